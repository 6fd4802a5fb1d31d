"""Starts moto's server with DynamoDB's atomicity for conditional writes, and cheap transactions.

moto's server is threaded and its DynamoDB backend checks a condition and then writes without a
lock, so two concurrent conditional writes (or transactions) can both succeed: a lost update that
real DynamoDB never allows. Rectify's concurrency guarantees rest on those conditions, so this
launcher serialises the backend's write operations (and GetItem, which DynamoDB also serialises
against transactions) behind one lock, then runs moto's own server entry point unchanged.

moto also backs up every table a transaction touches with a deep copy, so a transaction costs
time in proportion to the table and its stream (about 0.7 s each with a few thousand records).
Under the lock, nothing else writes meanwhile: the launcher journals the few items the
transaction names (and the streams' lengths) and restores only those if it is cancelled.

And moto's EventBridge parses the same eight JSONPath expressions for every event and target
with a parser that rebuilds its tables each time (~1.5 s per PutEvents of ten entries): the
parse is memoised, which changes nothing but the time. Werkzeug's line per request is off (about a
seventh of moto's CPU under load); errors are still written.

moto's KMS ignores Sign's MessageType and always hashes the message: a DIGEST (what real KMS
signs for messages over 4 KiB, such as archive manifests) would be hashed twice and never verify.
The launcher signs a DIGEST as prehashed, as KMS does.

moto answers a Query on a table (not an index) by sorting every item of the table, so each Query
costs time in proportion to the table: a replace import, which reads one chain per item, took
O(n²). DynamoDB reads only the partition named; so does the launcher, with the same results in the
same order. Queries and scans also take the lock: DynamoDB's reads are read-committed, and moto's
transactions write in place (restoring on cancel), so an unlocked read could see a write that was
then rolled back.

moto's TransactGetItems ignores each Get's ProjectionExpression and reads its items one at a
time without the lock. The launcher projects as DynamoDB does (a reader that asks for two
attributes of a large record gets two) and reads all the Gets under the lock, so they are one
snapshot, as DynamoDB's serializable TransactGetItems is. moto also turns the whole record into
JSON once per projected path; the launcher converts only the projected attributes.

moto's S3 event notifications leave out `s3.object.versionId`, which S3 sets for every object
created in a versioned bucket; the evidence verifier reads exactly the version it was notified
of. The launcher adds it, as S3 does.
"""

import copy
import functools
import inspect
import logging
import sys
import threading

import jsonpath_ng.ext
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

import moto.dynamodb.models as dynamodb_models
import moto.dynamodb.responses as dynamodb_responses
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table
from moto.kms import responses as kms_responses
from moto.kms import utils as kms_utils
from moto.s3 import notifications as s3_notifications
from moto.server import main

_LOCK = threading.RLock()
_SERIALISED = (
    "query",
    "scan",
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


class _TablesUncopied:
    """moto's `copy` inside a transaction: tables are not backed up (the journal is), items are."""

    @staticmethod
    def deepcopy(value, memo=None):
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


def _key_of(table, op_type, op):
    attrs = op["Item"] if op_type == "Put" else op["Key"]
    hash_value = DynamoType(attrs[table.hash_key_attr])
    range_value = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr else None
    return hash_value, range_value


def _restore(table, hash_value, range_value, previous):
    if range_value is None:
        if previous is None:
            table.items.pop(hash_value, None)
        else:
            table.items[hash_value] = previous
    elif previous is None:
        table.items[hash_value].pop(range_value, None)
    else:
        table.items[hash_value][range_value] = previous


def _journaled(transact_write_items):
    def run(self, transact_items):
        journal = []
        streams = {}
        for entry in transact_items:
            try:
                op_type, op = next(iter(entry.items()))
                table = self.tables.get(op.get("TableName"))
                if table is None or op_type == "ConditionCheck":
                    continue
                hash_value, range_value = _key_of(table, op_type, op)
            except Exception:
                continue  # malformed: moto itself reports it
            previous = table.get_item(hash_value, range_value)
            journal.append((table, hash_value, range_value, copy.deepcopy(previous)))
            if table.stream_shard is not None:
                streams.setdefault(id(table), (table.stream_shard, len(table.stream_shard.items)))
        dynamodb_models.copy = _TablesUncopied
        try:
            return transact_write_items(self, transact_items)
        except Exception:
            for table, hash_value, range_value, previous in reversed(journal):
                _restore(table, hash_value, range_value, previous)
            for shard, length in streams.values():
                del shard.items[length:]
            raise
        finally:
            dynamodb_models.copy = copy

    run.__name__ = transact_write_items.__name__
    return run


_SIGNING = threading.local()
_ECDSA_HASHES = {"ECDSA_SHA_256": hashes.SHA256, "ECDSA_SHA_384": hashes.SHA384, "ECDSA_SHA_512": hashes.SHA512}


def _noting_message_type(sign_response):
    def run(self):
        _SIGNING.digest = self._get_param("MessageType") == "DIGEST"
        try:
            return sign_response(self)
        finally:
            _SIGNING.digest = False

    return run


def _prehashed_when_digest(sign):
    def run(self, message, signing_algorithm):
        if getattr(_SIGNING, "digest", False) and signing_algorithm in _ECDSA_HASHES:
            algorithm = _ECDSA_HASHES[signing_algorithm]()
            return self.private_key.sign(message, ec.ECDSA(Prehashed(algorithm)))
        return sign(self, message, signing_algorithm)

    return run


kms_responses.KmsResponse.sign = _noting_message_type(kms_responses.KmsResponse.sign)
kms_utils.ECDSAPrivateKey.sign = _prehashed_when_digest(kms_utils.ECDSAPrivateKey.sign)


_PARTITION = threading.local()


def _partition_only(all_items):
    """`Table.all_items`, but only the partition a base-table Query names while it runs."""

    def run(self):
        scope = getattr(_PARTITION, "scope", None)
        if scope is None or scope[0] is not self:
            return all_items(self)
        hash_set = self.items.get(scope[1])
        if hash_set is None:
            return []
        if not self.range_key_attr:
            return [hash_set]
        return sorted(hash_set.values(), key=lambda item: item.range_key)

    return run


def _by_partition(query):
    signature = inspect.signature(query)

    def run(self, *args, **kwargs):
        called = signature.bind(self, *args, **kwargs).arguments
        hash_key = called.get("hash_key")
        if called.get("index_name") or hash_key is None:
            return query(self, *args, **kwargs)
        _PARTITION.scope = (self, hash_key)
        try:
            return query(self, *args, **kwargs)
        finally:
            _PARTITION.scope = None

    return run


def _with_version(get_s3_event):
    def run(event_name, bucket, key, notification_id):
        event = get_s3_event(event_name, bucket, key, notification_id)
        version_id = getattr(key, "version_id", None)
        if version_id and version_id != "null":
            for record in event.get("Records", []):
                record["s3"]["object"]["versionId"] = version_id
        return event

    return run


def _projected_transact_get(handler):
    """TransactGetItems with each Get's ProjectionExpression, all under the lock."""
    transact_items = handler.body["TransactItems"]
    if len(transact_items) > dynamodb_responses.TRANSACTION_MAX_ITEMS:
        return _original_transact_get_items(handler)
    responses = []
    with _LOCK:
        for transact_item in transact_items:
            get = transact_item["Get"]
            names = get.get("ExpressionAttributeNames") or {}
            parser = dynamodb_responses.ProjectionExpressionParser(get.get("ProjectionExpression"), names)
            projection = parser.parse()
            item = handler.dynamodb_backend.get_item(get["TableName"], get["Key"], projection)
            responses.append(item.describe_attrs(attributes=None) if item else {})
    return dynamodb_responses.DynamoResult({"Responses": responses})


def _projecting_only_what_is_asked(project):
    """Item.project, converting only the projected top-level attributes (moto converts the whole
    record to JSON once per projected path, which a large record pays on every projected read)."""

    def run(self, projection_expressions):
        wanted = {expr[0].split("[")[0] for expr in projection_expressions if expr}
        slim = copy.copy(self)
        slim.attrs = {name: value for name, value in self.attrs.items() if name in wanted}
        if all(len(expr) == 1 and "[" not in expr[0] for expr in projection_expressions):
            # Whole top-level attributes: the slim record is the projection (read, never changed).
            return slim
        return project(slim, projection_expressions)

    return run


_original_transact_get_items = dynamodb_responses.DynamoHandler.transact_get_items
dynamodb_responses.DynamoHandler.transact_get_items = _projected_transact_get
Item.project = _projecting_only_what_is_asked(Item.project)
s3_notifications._get_s3_event = _with_version(s3_notifications._get_s3_event)
Table.all_items = _partition_only(Table.all_items)
Table.query = _by_partition(Table.query)
jsonpath_ng.ext.parse = functools.lru_cache(maxsize=256)(jsonpath_ng.ext.parse)
DynamoDBBackend.transact_write_items = _journaled(DynamoDBBackend.transact_write_items)
for _name in _SERIALISED:
    setattr(DynamoDBBackend, _name, _serialised(getattr(DynamoDBBackend, _name)))

logging.getLogger("werkzeug").setLevel(logging.WARNING)

if __name__ == "__main__":
    main(sys.argv[1:])
