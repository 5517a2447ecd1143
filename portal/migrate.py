"""Applying the numbered files in migrations/ (peewee's own runner)."""
import os

from playhouse.migrations import Runner

from models import db

DIRECTORY = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")


def runner(database=None):
    return Runner(database or db.obj, directory=DIRECTORY)


def upgrade(database=None):
    return runner(database).up()


def pending(database=None):
    return [m.name for m in runner(database).status() if m.applied is None and m.path]
