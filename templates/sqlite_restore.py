"""Copies a SQLite snapshot into the development database in place, with SQLite's backup API.

The file keeps its inode, so connections other programs hold open keep working
and see the restored content. The backup holds the database's exclusive lock
while it copies; other writers wait on their busy timeout, as for any writer.

Usage: sqlite_restore.py SNAPSHOT DATABASE WAIT_SECONDS
Prints JSON lines: {"event": "busy"} when another process holds a lock,
{"event": "restored"} at the end; exits 3 if the lock stays held WAIT_SECONDS.
"""
import json
import sqlite3
import sys

snapshot, target, wait = sys.argv[1], sys.argv[2], float(sys.argv[3])


def say(**message):
    print(json.dumps(message), flush=True)


dest = sqlite3.connect(target, timeout=0, isolation_level=None)
try:
    dest.execute('BEGIN EXCLUSIVE')
except sqlite3.OperationalError:
    say(event='busy')
    dest.execute('PRAGMA busy_timeout = %d' % int(wait * 1000))
    try:
        dest.execute('BEGIN EXCLUSIVE')
    except sqlite3.OperationalError as error:
        say(event='locked', reason=str(error))
        sys.exit(3)
dest.execute('ROLLBACK')
# The backup takes the exclusive lock itself (a backup cannot start inside a transaction); meanwhile writers wait.
dest.execute('PRAGMA busy_timeout = %d' % int(wait * 1000))
source = sqlite3.connect(snapshot)
source.backup(dest)
source.close()
dest.close()
say(event='restored')
