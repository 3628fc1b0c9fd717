"""Project instructions and the environment in the system prompt (``core.instructions``)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from flux_tui.core.instructions import (
    MAX_INSTRUCTION_BYTES,
    ProjectContext,
    environment_text,
    git_state,
    instructions_markdown,
)


def _git(ws: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=ws, check=True, capture_output=True)


def test_agents_md_and_the_user_file_join_the_configured_prompt(tmp_path: Path) -> None:
    ws, cfg = tmp_path / "ws", tmp_path / "cfg"
    ws.mkdir()
    cfg.mkdir()
    (ws / "AGENTS.md").write_text("Run tests with make check.\n")
    (ws / "CLAUDE.md").write_text("ignored when AGENTS.md exists\n")
    (cfg / "AGENTS.md").write_text("I prefer British spelling.\n")
    context = ProjectContext("BASE PROMPT", ws, cfg)
    prompt = context.system_prompt()
    assert prompt.startswith("BASE PROMPT")
    assert "Run tests with make check." in prompt and "British spelling" in prompt
    assert "ignored when" not in prompt
    assert prompt.index("British spelling") < prompt.index("make check")  # the project's is read last
    assert [f.scope for f in context.files] == ["user", "project"]
    assert all(f.tokens > 0 for f in context.files)


def test_claude_md_is_read_when_there_is_no_agents_md(tmp_path: Path) -> None:
    (tmp_path / "CLAUDE.md").write_text("Use tabs.\n")
    context = ProjectContext(None, tmp_path, None)
    assert "Use tabs." in context.system_prompt()
    assert context.files[0].path.name == "CLAUDE.md"


def test_environment_names_workspace_os_date_shell_and_git(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SHELL", "/bin/zsh")
    text = environment_text(tmp_path)
    assert f"Workspace: {tmp_path}" in text
    assert "OS: " in text and "Date: 20" in text and "Shell: /bin/zsh" in text
    assert "Git repository: no" in text


def test_git_branch_and_state(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q", "-b", "trunk")
    _git(tmp_path, "-c", "user.email=a@b", "-c", "user.name=a", "commit", "-q", "--allow-empty", "-m", "x")
    assert git_state(tmp_path) == "yes, branch trunk, clean"
    (tmp_path / "new.txt").write_text("x")
    assert git_state(tmp_path) == "yes, branch trunk, uncommitted changes"


def test_a_huge_file_is_cut_with_a_note(tmp_path: Path) -> None:
    (tmp_path / "AGENTS.md").write_text("line of text\n" * (MAX_INSTRUCTION_BYTES // 5))
    context = ProjectContext(None, tmp_path)
    prompt = context.system_prompt()
    assert "[… cut: AGENTS.md is longer than" in prompt
    assert len(prompt) < MAX_INSTRUCTION_BYTES + 2000
    assert "(cut)" in instructions_markdown(context)


def test_the_prompt_is_read_again_only_when_a_file_changes(tmp_path: Path, monkeypatch) -> None:
    context = ProjectContext("B", tmp_path)
    first = context.system_prompt()
    assert context.system_prompt() is first  # unchanged: the same text, the cache keeps hitting
    (tmp_path / "AGENTS.md").write_text("New rules.\n")
    assert "New rules." in context.system_prompt()


def test_stats_text_lists_files_and_tokens(tmp_path: Path) -> None:
    context = ProjectContext(None, tmp_path)
    assert "No instruction file loaded" in instructions_markdown(context)
    (tmp_path / "AGENTS.md").write_text("Hello there.\n")
    text = instructions_markdown(context)
    assert "AGENTS.md" in text and "| project |" in text


def test_an_error_reading_the_files_leaves_the_prompt_usable(tmp_path: Path, monkeypatch) -> None:
    import flux_tui.core.instructions as instructions

    def refuse(path: Path) -> None:
        raise PermissionError(13, "Permission denied")

    (tmp_path / "AGENTS.md").write_text("x\n")
    monkeypatch.setattr(instructions, "_read", refuse)
    context = ProjectContext("BASE", tmp_path)
    assert context.system_prompt().startswith("BASE") and context.files == []
