"""Backups: `flask --app wsgi db backup|restore` and the nightly backup (README: "Sao lưu và khôi phục")."""
from portal.backup.errors import BackupError, RestoreRefused
from portal.backup.make import create_backup
from portal.backup.restore import restore_backup

__all__ = ["BackupError", "RestoreRefused", "create_backup", "restore_backup"]
