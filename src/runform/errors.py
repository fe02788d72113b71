"""Typed errors: each carries a one-line message fit for the command line."""


class RunformError(Exception):
    """Base class; the CLI prints ``str(err)`` and exits with ``exit_code``."""

    exit_code = 1


class InputNotFound(RunformError):
    exit_code = 2


class CaptureRateError(RunformError):
    """``--capture-fps`` below the file's own frame rate: that would make real time slower than
    the file, which no camera does. A usage error (exit 2), before any work."""

    exit_code = 2


class RunnerPointError(RunformError):
    """``--runner x,y`` does not fit the input: outside the first frame, or given for a TRC file
    (which holds one person). A usage error (exit 2)."""

    exit_code = 2


class UnreadableInput(RunformError):
    exit_code = 3


class NoRunnerFound(RunformError):
    exit_code = 4


class NotEnoughData(RunformError):
    exit_code = 5


class ConfigError(RunformError):
    """A settings file (e.g. coaching-cue thresholds TOML) is unreadable or has unknown keys."""

    exit_code = 6


class ModelError(RunformError):
    """A classifier model file (ONNX + card) is missing, corrupt or does not match this version."""

    exit_code = 7


class TrainingDataError(RunformError):
    """``runform train`` was given too few or unusable labelled runners."""

    exit_code = 8


class OutputError(RunformError):
    """The output folder cannot be written: ``--out`` names a file, is read-only or the disk is full."""

    exit_code = 9


class WeakModelError(TrainingDataError):
    """``runform train`` cross-validated a model too weak to trust; ``--force`` writes it anyway."""

    exit_code = 10
