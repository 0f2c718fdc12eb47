"""The drivers' errors that code above the storage layer may catch, named once (layer 2)."""

import sqlite3

import asyncpg

# A UNIQUE, FOREIGN KEY, NOT NULL or CHECK constraint refused a write.
INTEGRITY_ERRORS = (sqlite3.IntegrityError, asyncpg.IntegrityConstraintViolationError)
# Anything the database itself reported.
DATABASE_ERRORS = (sqlite3.Error, asyncpg.PostgresError)
