"""Starts moto's server with DynamoDB's atomicity for conditional writes.

moto's server is threaded and its DynamoDB backend checks a condition and then writes without a
lock, so two concurrent conditional writes (or transactions) can both succeed: a lost update that
real DynamoDB never allows. Rectify's concurrency guarantees rest on those conditions, so this
launcher serialises the backend's write operations (and GetItem, which DynamoDB also serialises
against transactions) behind one lock, then runs moto's own server entry point unchanged.
"""

import sys
import threading

from moto.dynamodb.models import DynamoDBBackend
from moto.server import main

_LOCK = threading.RLock()
_SERIALISED = (
    "put_item",
    "update_item",
    "delete_item",
    "get_item",
    "transact_write_items",
    "batch_write_item",
)


def _serialised(operation):
    def run(self, *args, **kwargs):
        with _LOCK:
            return operation(self, *args, **kwargs)

    run.__name__ = operation.__name__
    return run


for _name in _SERIALISED:
    setattr(DynamoDBBackend, _name, _serialised(getattr(DynamoDBBackend, _name)))

if __name__ == "__main__":
    main(sys.argv[1:])
