"""Help texts: the top-level list is not cut mid-sentence and every option says what it does."""

import click
from click.testing import CliRunner

from runform.cli import main


def test_top_level_help_is_not_cut():
    out = CliRunner().invoke(main, ["--help"], terminal_width=100).output
    commands = out.split("Commands:")[1]
    assert "..." not in commands
    for name, cmd in main.commands.items():
        first = cmd.get_short_help_str(limit=500)
        assert " ".join(first.split()) in " ".join(commands.split()), name


def test_every_option_has_help():
    missing = [f"{name} {opt.opts[0]}" for name, cmd in main.commands.items() for opt in cmd.params
               if isinstance(opt, click.Option) and not (opt.help or "").strip()]
    assert not missing, missing
