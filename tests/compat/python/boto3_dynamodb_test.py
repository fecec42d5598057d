#!/usr/bin/python3
"""Debian's python3-boto3 against a real localray: DynamoDB tables, items, expressions, queries, scans and batches, and the pattern's hit counter."""
import json
import os
import subprocess
import time
import unittest
import urllib.request

import boto3
import botocore.config
import botocore.exceptions

from localray_case import BINARY, LocalrayCase, ACCOUNT, eventually


class DynamoDbTest(LocalrayCase):
    def error(self, call, **kwargs):
        """The Error of the ClientError that `call` must raise."""
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            call(**kwargs)
        return caught.exception.response["Error"]

    def test_table_lifecycle_creating_and_deleting_with_the_sdk_waiters(self):
        ddb = self.client("dynamodb")
        t = "boto-lifecycle"

        created = ddb.create_table(TableName=t, BillingMode="PAY_PER_REQUEST", AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                                   KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}])["TableDescription"]
        self.assertEqual(created["TableStatus"], "CREATING")
        # localray's default keeps it CREATING for 100 ms: these calls come well within that.
        self.assertEqual(ddb.describe_table(TableName=t)["Table"]["TableStatus"], "CREATING")
        e = self.error(ddb.put_item, TableName=t, Item={"k": {"S": "early"}})
        self.assertEqual((e["Code"], e["Message"]), ("ResourceNotFoundException", "Requested resource not found"))
        e = self.error(ddb.delete_table, TableName=t)
        self.assertEqual((e["Code"], e["Message"]),
                         ("ResourceInUseException", f"Attempt to change a resource which is still in use: Table is being created: {t}"))
        self.table_ready(ddb, t)
        ddb.put_item(TableName=t, Item={"k": {"S": "later"}})
        self.assertEqual(ddb.get_item(TableName=t, Key={"k": {"S": "later"}})["Item"], {"k": {"S": "later"}})

        deleted = ddb.delete_table(TableName=t)["TableDescription"]
        self.assertEqual((deleted["TableStatus"], deleted["ItemCount"]), ("DELETING", 1))
        self.assertEqual(ddb.describe_table(TableName=t)["Table"]["TableStatus"], "DELETING")
        self.assertIn(t, ddb.list_tables()["TableNames"])
        e = self.error(ddb.create_table, TableName=t, BillingMode="PAY_PER_REQUEST", AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                  KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}])
        self.assertEqual((e["Code"], e["Message"]),
                         ("ResourceInUseException", f"Attempt to change a resource which is still in use: Table is being deleted: {t}"))
        ddb.get_waiter("table_not_exists").wait(TableName=t, WaiterConfig={"Delay": 0.05, "MaxAttempts": 200})
        self.assertNotIn(t, ddb.list_tables()["TableNames"])
        self.assertEqual(self.error(ddb.describe_table, TableName=t)["Code"], "ResourceNotFoundException")

    def test_transactions_cancel_with_reasons_and_repeat_by_token(self):
        ddb = self.client("dynamodb")
        t = "boto-ledger"
        ddb.create_table(TableName=t, BillingMode="PAY_PER_REQUEST", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
        self.table_ready(ddb, t)
        ddb.put_item(TableName=t, Item={"id": {"S": "alice"}, "balance": {"N": "10"}})

        def transfer(amount, token=None):
            extra = {"ClientRequestToken": token} if token else {}
            return ddb.transact_write_items(ReturnConsumedCapacity="TOTAL", TransactItems=[
                {"Update": {"TableName": t, "Key": {"id": {"S": "alice"}}, "UpdateExpression": "ADD balance :minus",
                            "ConditionExpression": "balance >= :amount", "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                            "ExpressionAttributeValues": {":minus": {"N": str(-amount)}, ":amount": {"N": str(amount)}}}},
                {"Update": {"TableName": t, "Key": {"id": {"S": "bob"}}, "UpdateExpression": "ADD balance :plus",
                            "ExpressionAttributeValues": {":plus": {"N": str(amount)}}}},
                {"Put": {"TableName": "hits", "Item": {"path": {"S": "/ledger"}, "amount": {"N": str(amount)}}}}], **extra)
        done = transfer(4, token="boto-transfer-1")
        self.assertEqual(sorted((c["TableName"], c["WriteCapacityUnits"]) for c in done["ConsumedCapacity"]), [("boto-ledger", 4.0), ("hits", 2.0)])
        transfer(4, token="boto-transfer-1")  # the same request again: answered, not applied twice
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            transfer(7)
        e = caught.exception.response
        self.assertEqual(e["Error"]["Code"], "TransactionCanceledException")
        self.assertEqual(e["Error"]["Message"],
                         "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None, None]")
        self.assertEqual(e["CancellationReasons"], [
            {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed", "Item": {"id": {"S": "alice"}, "balance": {"N": "6"}}},
            {"Code": "None"}, {"Code": "None"}])
        with self.assertRaises(ddb.exceptions.IdempotentParameterMismatchException):
            transfer(5, token="boto-transfer-1")
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            ddb.transact_write_items(TransactItems=[{"Delete": {"TableName": t, "Key": {"id": {"S": "bob"}}}},
                                                    {"ConditionCheck": {"TableName": t, "Key": {"id": {"S": "bob"}}, "ConditionExpression": "attribute_exists(id)"}}])
        self.assertEqual(caught.exception.response["Error"], {"Code": "ValidationException", "Message": "Transaction request cannot include multiple operations on one item"})

        got = ddb.transact_get_items(TransactItems=[{"Get": {"TableName": t, "Key": {"id": {"S": "alice"}}}},
                                                    {"Get": {"TableName": t, "Key": {"id": {"S": "bob"}}, "ProjectionExpression": "balance"}},
                                                    {"Get": {"TableName": t, "Key": {"id": {"S": "carol"}}}}])["Responses"]
        self.assertEqual(got, [{"Item": {"id": {"S": "alice"}, "balance": {"N": "6"}}}, {"Item": {"balance": {"N": "4"}}}, {}])
        # The AWS CLI reads the same.
        out = self.aws_cli("dynamodb", "transact-get-items", "--transact-items", json.dumps([{"Get": {"TableName": t, "Key": {"id": {"S": "bob"}}}}]))
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(json.loads(out.stdout)["Responses"], [{"Item": {"id": {"S": "bob"}, "balance": {"N": "4"}}}])

    def test_time_to_live_removes_expired_items_in_the_background(self):
        ddb = self.client("dynamodb")
        t = "boto-sessions"
        ddb.create_table(TableName=t, BillingMode="PAY_PER_REQUEST", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
        self.table_ready(ddb, t)
        self.assertEqual(ddb.describe_time_to_live(TableName=t)["TimeToLiveDescription"], {"TimeToLiveStatus": "DISABLED"})
        now = int(time.time())
        ddb.put_item(TableName=t, Item={"id": {"S": "stale"}, "expires": {"N": str(now - 5)}})
        ddb.put_item(TableName=t, Item={"id": {"S": "fresh"}, "expires": {"N": str(now + 3600)}})
        ddb.put_item(TableName=t, Item={"id": {"S": "forever"}})
        spec = ddb.update_time_to_live(TableName=t, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
        self.assertEqual(spec["TimeToLiveSpecification"], {"Enabled": True, "AttributeName": "expires"})
        self.assertTrue(eventually(lambda: "Item" not in ddb.get_item(TableName=t, Key={"id": {"S": "stale"}})), "removed within a second or two")
        self.assertEqual(sorted(i["id"]["S"] for i in ddb.scan(TableName=t)["Items"]), ["forever", "fresh"])
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            ddb.update_time_to_live(TableName=t, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
        self.assertEqual(caught.exception.response["Error"], {"Code": "ValidationException", "Message": "TimeToLive is already enabled"})
        out = self.aws_cli("dynamodb", "describe-time-to-live", "--table-name", t)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(json.loads(out.stdout)["TimeToLiveDescription"], {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"})

    def test_legacy_parameters_condition_update_query_and_scan(self):
        ddb = self.client("dynamodb")
        t = "boto-legacy"
        ddb.create_table(TableName=t, BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])
        self.table_ready(ddb, t)
        for n in range(1, 6):
            ddb.put_item(TableName=t, Item={"pk": {"S": "p"}, "sk": {"N": str(n)}, "kind": {"S": "odd" if n % 2 else "even"}},
                         Expected={"pk": {"Exists": False}})
        e = self.error(ddb.put_item, TableName=t, Item={"pk": {"S": "p"}, "sk": {"N": "1"}}, Expected={"pk": {"Exists": False}})
        self.assertEqual((e["Code"], e["Message"]), ("ConditionalCheckFailedException", "The conditional request failed"))
        # DynamoDB's own request id shape: 52 characters of base32hex.
        self.assertRegex(ddb.describe_table(TableName=t)["ResponseMetadata"]["RequestId"], r"^[0-9A-V]{52}$")

        updated = ddb.update_item(TableName=t, Key={"pk": {"S": "p"}, "sk": {"N": "1"}}, ReturnValues="ALL_NEW",
                                  AttributeUpdates={"hits": {"Action": "ADD", "Value": {"N": "3"}},
                                                    "log": {"Action": "ADD", "Value": {"L": [{"S": "seen"}]}},
                                                    "kind": {"Action": "DELETE"}},
                                  Expected={"kind": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "odd"}]}})["Attributes"]
        self.assertEqual(updated, {"pk": {"S": "p"}, "sk": {"N": "1"}, "hits": {"N": "3"}, "log": {"L": [{"S": "seen"}]}})

        page = ddb.query(TableName=t, KeyConditions={"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "p"}]},
                                                     "sk": {"ComparisonOperator": "GE", "AttributeValueList": [{"N": "2"}]}},
                         QueryFilter={"kind": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "odd"}]}}, AttributesToGet=["sk"])
        self.assertEqual(page["Items"], [{"sk": {"N": "3"}}, {"sk": {"N": "5"}}])
        scanned = ddb.scan(TableName=t, ScanFilter={"kind": {"ComparisonOperator": "NULL"}, "hits": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "2"}]}},
                           ConditionalOperator="AND")
        self.assertEqual([i["sk"]["N"] for i in scanned["Items"]], ["1"])

        e = self.error(ddb.put_item, TableName=t, Item={"pk": {"S": "p"}, "sk": {"N": "9"}}, Expected={"pk": {"Exists": False}},
                       ConditionExpression="attribute_not_exists(pk)")
        self.assertEqual((e["Code"], e["Message"]),
                         ("ValidationException", "Can not use both expression and non-expression parameters in the same request: "
                          "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}"))
        out = self.aws_cli("dynamodb", "query", "--table-name", t, "--key-conditions",
                           json.dumps({"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "p"}]},
                                       "sk": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "2"}, {"N": "3"}]}}))
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual([i["sk"]["N"] for i in json.loads(out.stdout)["Items"]], ["2", "3"])

    def test_partiql_statements_batches_and_transactions(self):
        ddb = self.client("dynamodb")
        t = "boto-partiql"
        ddb.create_table(TableName=t, BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])
        self.table_ready(ddb, t)
        for n in range(1, 5):
            self.assertEqual(ddb.execute_statement(Statement=f'INSERT INTO "{t}" VALUE {{\'pk\': ?, \'sk\': ?, \'tags\': <<\'a\'>>}}',
                                                   Parameters=[{"S": "p"}, {"N": str(n)}])["Items"], [])
        e = self.error(ddb.execute_statement, Statement=f"INSERT INTO \"{t}\" VALUE {{'pk': 'p', 'sk': 1}}")
        self.assertEqual((e["Code"], e["Message"]), ("DuplicateItemException", "Duplicate primary key exists in table"))

        pages, token = [], None
        while True:
            kwargs = {"NextToken": token} if token else {}
            page = ddb.execute_statement(Statement=f"SELECT sk FROM \"{t}\" WHERE pk = 'p' AND sk > 1", Limit=2, **kwargs)
            pages.append([i["sk"]["N"] for i in page["Items"]])
            token = page.get("NextToken")
            if not token:
                break
        self.assertEqual(sum(pages, []), ["2", "3", "4"])
        self.assertGreater(len(pages), 1)

        updated = ddb.execute_statement(Statement=f"UPDATE \"{t}\" SET hits = 1 SET tags = set_add(tags, <<'b'>>) WHERE pk = 'p' AND sk = 1 RETURNING ALL NEW *")
        self.assertEqual(updated["Items"], [{"pk": {"S": "p"}, "sk": {"N": "1"}, "hits": {"N": "1"}, "tags": {"SS": ["a", "b"]}}])
        e = self.error(ddb.execute_statement, Statement=f"UPDATE \"{t}\" SET hits = 1 WHERE pk = 'p'")
        self.assertEqual(e["Message"], "Where clause does not contain a mandatory equality on all key attributes")

        batch = ddb.batch_execute_statement(Statements=[{"Statement": f"DELETE FROM \"{t}\" WHERE pk = 'p' AND sk = 4"},
                                                        {"Statement": f"INSERT INTO \"{t}\" VALUE {{'pk': 'p', 'sk': 2}}"}])["Responses"]
        self.assertEqual(batch, [{"TableName": t}, {"TableName": t, "Error": {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"}}])

        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            ddb.execute_transaction(TransactStatements=[{"Statement": f"INSERT INTO \"{t}\" VALUE {{'pk': 'q', 'sk': 1}}"},
                                                        {"Statement": f"UPDATE \"{t}\" SET x = 1 WHERE pk = 'p' AND sk = 1 AND hits = 9"}])
        self.assertEqual(caught.exception.response["CancellationReasons"],
                         [{"Code": "None"}, {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}])
        read = ddb.execute_transaction(TransactStatements=[{"Statement": f"SELECT * FROM \"{t}\" WHERE pk = 'q' AND sk = 1"},
                                                           {"Statement": f"SELECT * FROM \"{t}\" WHERE pk = 'p' AND sk = 2"}])["Responses"]
        self.assertEqual(read, [{}, {"Item": {"pk": {"S": "p"}, "sk": {"N": "2"}, "tags": {"SS": ["a"]}}}])

        out = self.aws_cli("dynamodb", "execute-statement", "--statement", f"SELECT sk FROM \"{t}\" WHERE pk = ? AND sk < 3",
                           "--parameters", json.dumps([{"S": "p"}]))
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual([i["sk"]["N"] for i in json.loads(out.stdout)["Items"]], ["1", "2"])

    def test_update_table_adds_a_global_index_that_answers_queries(self):
        ddb = self.client("dynamodb")
        t = "boto-catalog"
        ddb.create_table(TableName=t, BillingMode="PAY_PER_REQUEST", AttributeDefinitions=[{"AttributeName": "sku", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "sku", "KeyType": "HASH"}])
        self.table_ready(ddb, t)
        for sku, colour in (("a", "red"), ("b", "blue"), ("c", "red")):
            ddb.put_item(TableName=t, Item={"sku": {"S": sku}, "colour": {"S": colour}})
        d = ddb.update_table(TableName=t, AttributeDefinitions=[{"AttributeName": "colour", "AttributeType": "S"}],
                             GlobalSecondaryIndexUpdates=[{"Create": {"IndexName": "by-colour", "KeySchema": [{"AttributeName": "colour", "KeyType": "HASH"}],
                                                                      "Projection": {"ProjectionType": "ALL"}}}])["TableDescription"]
        self.assertEqual(d["TableStatus"], "UPDATING")
        self.assertEqual((d["GlobalSecondaryIndexes"][0]["IndexStatus"], d["GlobalSecondaryIndexes"][0]["Backfilling"]), ("CREATING", True))
        self.table_ready(ddb, t)
        self.assertEqual(ddb.describe_table(TableName=t)["Table"]["GlobalSecondaryIndexes"][0]["IndexStatus"], "ACTIVE")
        red = ddb.query(TableName=t, IndexName="by-colour", KeyConditionExpression="colour = :c", ExpressionAttributeValues={":c": {"S": "red"}})
        self.assertEqual(sorted(i["sku"]["S"] for i in red["Items"]), ["a", "c"])
        with self.assertRaises(ddb.exceptions.LimitExceededException):
            ddb.update_table(TableName=t, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-colour"}}, {"Delete": {"IndexName": "other"}}])
        ddb.update_table(TableName=t, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-colour"}}])
        self.table_ready(ddb, t)
        self.assertNotIn("GlobalSecondaryIndexes", ddb.describe_table(TableName=t)["Table"])

    def test_streams_record_every_change_and_read_back_through_the_streams_api(self):
        ddb = self.client("dynamodb")
        streams = self.client("dynamodbstreams")
        t = "boto-streamed"
        created = ddb.create_table(TableName=t, BillingMode="PAY_PER_REQUEST", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                                   KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                                   StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})["TableDescription"]
        arn = created["LatestStreamArn"]
        self.assertTrue(arn.startswith(f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{t}/stream/"), arn)
        self.table_ready(ddb, t)
        ddb.put_item(TableName=t, Item={"id": {"S": "a"}, "v": {"N": "1"}})
        ddb.update_item(TableName=t, Key={"id": {"S": "a"}}, UpdateExpression="ADD v :one", ExpressionAttributeValues={":one": {"N": "1"}})
        ddb.delete_item(TableName=t, Key={"id": {"S": "a"}})

        self.assertIn(arn, [s["StreamArn"] for s in streams.list_streams(TableName=t)["Streams"]])
        description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
        self.assertEqual((description["StreamStatus"], description["StreamViewType"], description["TableName"]), ("ENABLED", "NEW_AND_OLD_IMAGES", t))
        shard = description["Shards"][0]["ShardId"]
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        got = streams.get_records(ShardIterator=iterator)
        records = got["Records"]
        self.assertEqual([r["eventName"] for r in records], ["INSERT", "MODIFY", "REMOVE"])
        self.assertEqual(records[1]["dynamodb"]["OldImage"], {"id": {"S": "a"}, "v": {"N": "1"}})
        self.assertEqual(records[1]["dynamodb"]["NewImage"], {"id": {"S": "a"}, "v": {"N": "2"}})
        self.assertEqual(records[2]["dynamodb"]["Keys"], {"id": {"S": "a"}})
        self.assertEqual(streams.get_records(ShardIterator=got["NextShardIterator"])["Records"], [])
        # The AWS CLI reads the same stream.
        out = self.aws_cli("dynamodbstreams", "describe-stream", "--stream-arn", arn)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(json.loads(out.stdout)["StreamDescription"]["StreamArn"], arn)
        ddb.update_table(TableName=t, StreamSpecification={"StreamEnabled": False})
        self.assertEqual(streams.describe_stream(StreamArn=arn)["StreamDescription"]["StreamStatus"], "DISABLED")

    def test_tags_limits_and_endpoints(self):
        ddb = self.client("dynamodb")
        t = "boto-tagged"
        arn = ddb.create_table(TableName=t, BillingMode="PAY_PER_REQUEST", AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                               KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                               Tags=[{"Key": "owner", "Value": "ci"}])["TableDescription"]["TableArn"]
        ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "test"}, {"Key": "owner", "Value": "boto3"}])
        self.assertEqual(ddb.list_tags_of_resource(ResourceArn=arn)["Tags"],
                         [{"Key": "env", "Value": "test"}, {"Key": "owner", "Value": "boto3"}])
        ddb.untag_resource(ResourceArn=arn, TagKeys=["env"])
        self.assertEqual(ddb.list_tags_of_resource(ResourceArn=arn)["Tags"], [{"Key": "owner", "Value": "boto3"}])

        gone = arn.replace(t, "boto-gone")
        e = self.error(ddb.list_tags_of_resource, ResourceArn=gone)
        self.assertEqual(e["Code"], "ResourceNotFoundException")
        self.assertEqual(e["Message"], f"Requested resource not found: ResourcArn: {gone} not found")
        e = self.error(ddb.tag_resource, ResourceArn="arn:aws:sqs:us-east-1:1:queue/q", Tags=[{"Key": "k", "Value": "v"}])
        self.assertEqual((e["Code"], e["Message"]), ("ValidationException", "Invalid TableArn: Invalid ResourceArn provided as input arn:aws:sqs:us-east-1:1:queue/q"))
        e = self.error(ddb.untag_resource, ResourceArn="nonsense", TagKeys=["k"])
        self.assertEqual(e["Code"], "AccessDeniedException")
        e = self.error(ddb.tag_resource, ResourceArn=arn, Tags=[{"Key": "k" * 129, "Value": "v"}])
        self.assertIn("Member must have length less than or equal to 128", e["Message"])

        limits = ddb.describe_limits()
        self.assertEqual((limits["AccountMaxReadCapacityUnits"], limits["TableMaxWriteCapacityUnits"]), (80000, 40000))
        endpoints = ddb.describe_endpoints()["Endpoints"]
        self.assertEqual(endpoints[0]["Address"], self.endpoint.split("://", 1)[1].rstrip("/"))
        self.assertEqual(endpoints[0]["CachePeriodInMinutes"], 1440)
        # The AWS CLI reads the same answers.
        out = self.aws_cli("dynamodb", "list-tags-of-resource", "--resource-arn", arn)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(json.loads(out.stdout)["Tags"], [{"Key": "owner", "Value": "boto3"}])

    def test_dynamodb_tables_items_expressions_queries_scans_batches(self):
        ddb = self.client("dynamodb")
        t = "boto-orders"
        created = ddb.create_table(
            TableName=t,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": ty} for n, ty in (("pk", "S"), ("sk", "S"), ("status", "S"), ("created", "N"))],
            GlobalSecondaryIndexes=[{"IndexName": "by-status",
                                     "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}, {"AttributeName": "created", "KeyType": "RANGE"}],
                                     "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["v"]}}],
            BillingMode="PAY_PER_REQUEST")["TableDescription"]
        self.assertEqual(created["TableName"], t)
        self.assertEqual(created["TableStatus"], "CREATING")
        self.assertEqual(created["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")
        self.table_ready(ddb, t)
        desc = ddb.describe_table(TableName=t)["Table"]
        self.assertEqual(desc["TableStatus"], "ACTIVE")
        self.assertEqual(desc["TableArn"], f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{t}")
        self.assertEqual([k["AttributeName"] for k in desc["KeySchema"]], ["pk", "sk"])
        gsi = next(i for i in desc["GlobalSecondaryIndexes"] if i["IndexName"] == "by-status")
        self.assertEqual(gsi["Projection"], {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["v"]})
        self.assertEqual([k["AttributeName"] for k in gsi["KeySchema"]], ["status", "created"])
        tables = ddb.list_tables()["TableNames"]
        self.assertIn(t, tables)
        self.assertIn("hits", tables)

        for i in range(5):
            put = ddb.put_item(TableName=t, ReturnConsumedCapacity="TOTAL", Item={
                "pk": {"S": "a"}, "sk": {"S": f"item#{i}"}, "v": {"S": f"v{i}"}, "status": {"S": "odd" if i % 2 else "even"},
                "created": {"N": str(100 + i)}, "secret": {"S": "x"}})
            self.assertEqual(put["ConsumedCapacity"], {"TableName": t, "CapacityUnits": 1.0})
        ddb.put_item(TableName=t, Item={"pk": {"S": "a"}, "sk": {"S": "other#0"}, "v": {"S": "o"}})
        key3 = {"pk": {"S": "a"}, "sk": {"S": "item#3"}}
        got = ddb.get_item(TableName=t, Key=key3, ReturnConsumedCapacity="TOTAL", ConsistentRead=True)
        self.assertEqual(got["Item"]["v"], {"S": "v3"})
        self.assertEqual(got["ConsumedCapacity"], {"TableName": t, "CapacityUnits": 1.0})
        self.assertEqual(ddb.get_item(TableName=t, Key=key3, ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]["CapacityUnits"], 0.5)

        ddb.update_item(TableName=t, Key=key3, UpdateExpression="SET tags = :t", ExpressionAttributeValues={":t": {"SS": ["red", "blue", "green"]}})
        upd = ddb.update_item(
            TableName=t, Key=key3,
            UpdateExpression="SET #v = :v, #c = #c + :one REMOVE secret ADD hits :one DELETE tags :gone",
            ConditionExpression="attribute_exists(pk) AND #v = :old",
            ExpressionAttributeNames={"#v": "v", "#c": "created"},
            ExpressionAttributeValues={":v": {"S": "new"}, ":one": {"N": "1"}, ":gone": {"SS": ["red"]}, ":old": {"S": "v3"}},
            ReturnValues="ALL_NEW", ReturnConsumedCapacity="TOTAL")
        a = upd["Attributes"]
        self.assertEqual((a["v"], a["created"], a["hits"]), ({"S": "new"}, {"N": "104"}, {"N": "1"}))
        self.assertNotIn("secret", a)
        self.assertEqual(sorted(a["tags"]["SS"]), ["blue", "green"])
        self.assertEqual(upd["ConsumedCapacity"]["CapacityUnits"], 1.0)
        old = ddb.update_item(TableName=t, Key=key3, UpdateExpression="ADD hits :one", ExpressionAttributeValues={":one": {"N": "1"}},
                              ReturnValues="UPDATED_OLD")
        self.assertEqual(old["Attributes"], {"hits": {"N": "1"}})
        with self.assertRaises(ddb.exceptions.ConditionalCheckFailedException):
            ddb.update_item(TableName=t, Key=key3, UpdateExpression="SET v = :v", ConditionExpression="v = :old",
                            ExpressionAttributeValues={":v": {"S": "x"}, ":old": {"S": "v3"}})
        with self.assertRaises(ddb.exceptions.ConditionalCheckFailedException):
            ddb.put_item(TableName=t, Item=key3, ConditionExpression="attribute_not_exists(pk)")

        prefix = ddb.query(TableName=t, KeyConditionExpression="pk = :p AND begins_with(sk, :pre)",
                           ExpressionAttributeValues={":p": {"S": "a"}, ":pre": {"S": "item#"}}, ReturnConsumedCapacity="TOTAL")
        self.assertEqual([i["sk"]["S"] for i in prefix["Items"]], [f"item#{i}" for i in range(5)])
        self.assertEqual(prefix["Count"], 5)
        self.assertEqual(prefix["ConsumedCapacity"], {"TableName": t, "CapacityUnits": 0.5}, "five small items: one 4 KB read")
        between = dict(TableName=t, KeyConditionExpression="pk = :p AND sk BETWEEN :a AND :b",
                       ExpressionAttributeValues={":p": {"S": "a"}, ":a": {"S": "item#1"}, ":b": {"S": "item#4"}}, Limit=2, ScanIndexForward=False)
        page1 = ddb.query(**between)
        self.assertEqual([i["sk"]["S"] for i in page1["Items"]], ["item#4", "item#3"])
        self.assertEqual(page1["LastEvaluatedKey"], {"pk": {"S": "a"}, "sk": {"S": "item#3"}})
        page2 = ddb.query(**between, ExclusiveStartKey=page1["LastEvaluatedKey"])
        self.assertEqual([i["sk"]["S"] for i in page2["Items"]], ["item#2", "item#1"])

        by_status = ddb.query(TableName=t, IndexName="by-status", KeyConditionExpression="#s = :s AND created BETWEEN :lo AND :hi",
                              ExpressionAttributeNames={"#s": "status"},
                              ExpressionAttributeValues={":s": {"S": "even"}, ":lo": {"N": "100"}, ":hi": {"N": "103"}})
        self.assertEqual([i["sk"]["S"] for i in by_status["Items"]], ["item#0", "item#2"])
        self.assertEqual(sorted(by_status["Items"][0]), ["created", "pk", "sk", "status", "v"], "INCLUDE projects keys and v only")
        odd = dict(TableName=t, IndexName="by-status", KeyConditionExpression="#s = :s", ExpressionAttributeNames={"#s": "status"},
                   ExpressionAttributeValues={":s": {"S": "odd"}}, Limit=1, ScanIndexForward=False)
        idx1 = ddb.query(**odd)
        self.assertEqual([i["sk"]["S"] for i in idx1["Items"]], ["item#3"])
        idx2 = ddb.query(**odd, ExclusiveStartKey=idx1["LastEvaluatedKey"])
        self.assertEqual([i["sk"]["S"] for i in idx2["Items"]], ["item#1"])

        filtered = ddb.scan(TableName=t, FilterExpression="begins_with(v, :p)", ProjectionExpression="sk, #v",
                            ExpressionAttributeNames={"#v": "v"}, ExpressionAttributeValues={":p": {"S": "v"}}, ReturnConsumedCapacity="TOTAL")
        self.assertEqual((filtered["Count"], filtered["ScannedCount"]), (4, 6))
        self.assertTrue(all(sorted(i) == ["sk", "v"] for i in filtered["Items"]))
        self.assertEqual(filtered["ConsumedCapacity"], {"TableName": t, "CapacityUnits": 0.5})
        segments = [ddb.scan(TableName=t, Segment=s, TotalSegments=2)["Items"] for s in (0, 1)]
        self.assertEqual(sorted(i["sk"]["S"] for seg in segments for i in seg),
                         ["item#0", "item#1", "item#2", "item#3", "item#4", "other#0"], "the segments partition the table")

        bw = ddb.batch_write_item(RequestItems={t: [
            {"PutRequest": {"Item": {"pk": {"S": "b"}, "sk": {"S": "1"}, "v": {"S": "b1"}}}},
            {"DeleteRequest": {"Key": {"pk": {"S": "a"}, "sk": {"S": "item#0"}}}}]}, ReturnConsumedCapacity="TOTAL")
        self.assertEqual(bw["UnprocessedItems"], {})
        self.assertEqual(bw["ConsumedCapacity"], [{"TableName": t, "CapacityUnits": 2.0}])
        bg = ddb.batch_get_item(RequestItems={t: {"Keys": [
            {"pk": {"S": "b"}, "sk": {"S": "1"}}, {"pk": {"S": "a"}, "sk": {"S": "item#0"}}, {"pk": {"S": "a"}, "sk": {"S": "item#1"}}]}},
            ReturnConsumedCapacity="TOTAL")
        self.assertEqual(sorted(i["v"]["S"] for i in bg["Responses"][t]), ["b1", "v1"])
        self.assertEqual(bg["UnprocessedKeys"], {})
        self.assertEqual(bg["ConsumedCapacity"], [{"TableName": t, "CapacityUnits": 1.5}], "each of the three keys is a 0.5-unit read")

        gone = ddb.delete_item(TableName=t, Key={"pk": {"S": "b"}, "sk": {"S": "1"}}, ReturnValues="ALL_OLD")
        self.assertEqual(gone["Attributes"]["v"], {"S": "b1"})
        self.assertNotIn("Item", ddb.get_item(TableName=t, Key={"pk": {"S": "b"}, "sk": {"S": "1"}}))
        self.assertEqual(ddb.delete_table(TableName=t)["TableDescription"]["TableName"], t)
        ddb.get_waiter("table_not_exists").wait(TableName=t, WaiterConfig={"Delay": 0.05, "MaxAttempts": 200})
        self.assertNotIn(t, ddb.list_tables()["TableNames"])
        with self.assertRaises(ddb.exceptions.ResourceNotFoundException):
            ddb.describe_table(TableName=t)

    def test_dynamodb_counts_hits_of_the_pattern(self):
        ddb = self.client("dynamodb")
        invoke = self.ready["apis"][0]["invoke_url"]
        for _ in range(3):
            req = urllib.request.Request(invoke + "/boto", data=b'{"status":"ok"}', method="POST")
            self.assertEqual(urllib.request.urlopen(req).status, 200)

        def hits():
            item = ddb.get_item(TableName="hits", Key={"path": {"S": "/prod/boto"}}).get("Item")
            return item and item["hits"]["N"]
        self.assertEqual(eventually(lambda: hits() == "3") and hits(), "3")
        with self.assertRaises(ddb.exceptions.ResourceNotFoundException):
            ddb.scan(TableName="missing")


class ItemMemoryBound(unittest.TestCase):
    """--dynamodb-max-mb: a write past it is a LimitExceededException the SDK surfaces; deletes free room."""
    def test_writes_past_the_bound_are_refused_and_deletes_free_room(self):
        proc = subprocess.Popen([BINARY, "--port", "0", "--xray-udp-port", "0", "--otlp-port", "0", "--db", ":memory:", "--log-level", "warn",
                                 "--dynamodb-max-mb", "1"], stdout=subprocess.PIPE, text=True)
        self.addCleanup(lambda: (proc.terminate(), proc.wait(timeout=10), proc.stdout.close()))
        for line in proc.stdout:
            if line.startswith("LOCALRAY_READY "):
                endpoint = json.loads(line[len("LOCALRAY_READY "):])["edge_url"]
                break
        config = botocore.config.Config(retries={"max_attempts": 1})
        ddb = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1").client(
            "dynamodb", endpoint_url=endpoint, config=config)
        self.addCleanup(ddb.close)
        ddb.create_table(TableName="bounded", BillingMode="PAY_PER_REQUEST", AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}])
        ddb.get_waiter("table_exists").wait(TableName="bounded", WaiterConfig={"Delay": 0.05, "MaxAttempts": 200})
        stored = 0
        with self.assertRaises(botocore.exceptions.ClientError) as refused:
            for i in range(100):
                ddb.put_item(TableName="bounded", Item={"k": {"S": str(i)}, "v": {"S": "x" * 100_000}})
                stored += 1
        self.assertEqual(refused.exception.response["Error"]["Code"], "LimitExceededException")
        self.assertIn("--dynamodb-max-mb", refused.exception.response["Error"]["Message"])
        self.assertEqual(stored, 10, "1 MiB holds ten items of 100 KB")
        self.assertEqual(ddb.scan(TableName="bounded", Select="COUNT")["Count"], stored)
        ddb.delete_item(TableName="bounded", Key={"k": {"S": "0"}})
        ddb.put_item(TableName="bounded", Item={"k": {"S": "again"}, "v": {"S": "x" * 100_000}})


if __name__ == "__main__":
    unittest.main(verbosity=2)
