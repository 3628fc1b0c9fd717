"""Data shipped with flux-tui: ``cl100k_base.tiktoken``, the BPE ranks of OpenAI's cl100k_base token
encoding exactly as tiktoken downloads them (MIT, as tiktoken: ``LICENSE-tiktoken``)."""
