"""Model providers behind one abstraction, ``BaseLLMProvider``, built by ``provider_factory``.

Provider SDKs are imported lazily (inside the provider modules' functions), so importing this package
stays cheap and the first frame of the app paints before any SDK loads.
"""
