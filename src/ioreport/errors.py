"""Expected errors: reported as one clear message and a non-zero exit, no traceback."""


class InputError(Exception):
    """Bad input the user can fix: a missing file or column, a malformed parameter."""
