"""Why a backup or a restore stopped; each message (Vietnamese, with the English
gist where an operator may search for it) is shown as it is."""


class BackupError(Exception):
    """The backup could not be written; no backup file was left behind."""


class RestoreRefused(Exception):
    """The restore did not happen; the target database and attachments are unchanged."""
