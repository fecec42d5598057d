#!/usr/bin/python3
"""Debian's python3-boto3 against a real localray: --persist keeps queues with their messages, tables
with their items, topics with their subscriptions across a kill -9 and a clean stop."""
import io
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse
import urllib.request
import zipfile

import boto3

from localray_case import BINARY, ACCOUNT, eventually, md5

# What localray promises a kill -9 may lose: the changes of the last commit interval (100 ms).
# Waiting a few intervals leaves room for a loaded machine.
SETTLE = 0.6


def zipped(files):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return out.getvalue()


class Localray:
    def __init__(self, db, *extra):
        self.proc = subprocess.Popen([BINARY, "--port", "0", "--xray-udp-port", "0", "--otlp-port", "0", "--db", db, "--log-level", "warn",
                                      *extra], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.output = []
        for line in self.proc.stdout:
            self.output.append(line)
            if line.startswith("LOCALRAY_READY "):
                self.ready = json.loads(line[len("LOCALRAY_READY "):])
                break
        else:
            raise AssertionError("localray did not start: " + "".join(self.output))
        self.endpoint = self.ready["edge_url"]
        self.clients = []

    def client(self, name, region="us-east-1"):
        c = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name=region).client(name, endpoint_url=self.endpoint)
        self.clients.append(c)
        return c

    def end(self, sig):
        for c in self.clients:
            c.close()
        self.proc.send_signal(sig)
        code = self.proc.wait(timeout=20)
        self.proc.stdout.close()
        return code


class PersistTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="localray-persist-")
        self.db = os.path.join(self.dir, "traces.db")
        self.running = []

    def tearDown(self):
        for lr in self.running:
            if lr.proc.poll() is None:
                lr.end(signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)

    def start(self, *extra):
        lr = Localray(self.db, *extra)
        self.running.append(lr)
        return lr

    def test_queues_tables_and_topics_survive_a_kill_9(self):
        lr = self.start("--persist", "--seed", "1")
        self.assertIn("Resources kept in:", "".join(lr.output))
        self.assertTrue(os.path.exists(os.path.join(self.dir, "traces.resources.db")))
        sqs, ddb, sns = lr.client("sqs"), lr.client("dynamodb"), lr.client("sns")

        dlq = sqs.create_queue(QueueName="persist-dlq")["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        url = sqs.create_queue(QueueName="persist-q", Attributes={
            "VisibilityTimeout": "40", "MessageRetentionPeriod": "7200",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "3"})})["QueueUrl"]
        attributes_before = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        binary = bytes(range(256))
        sent = []
        for i in range(5):
            r = sqs.send_message(QueueUrl=url, MessageBody=f"message {i} \u00e9\u6f22",
                                 MessageAttributes={"n": {"DataType": "Number", "StringValue": str(i)},
                                                    "raw": {"DataType": "Binary", "BinaryValue": binary}})
            sent.append(r["MessageId"])
        in_flight = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, VisibilityTimeout=600)["Messages"][0]
        gone = sqs.create_queue(QueueName="persist-deleted")["QueueUrl"]
        sqs.send_message(QueueUrl=gone, MessageBody="never again")
        sqs.delete_queue(QueueUrl=gone)
        eu = lr.client("sqs", "eu-west-1")
        eu_url = eu.create_queue(QueueName="persist-eu")["QueueUrl"]
        eu.send_message(QueueUrl=eu_url, MessageBody="from europe")

        ddb.create_table(TableName="persist-items", BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"},
                                               {"AttributeName": "owner", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                         GlobalSecondaryIndexes=[{"IndexName": "by-owner", "KeySchema": [{"AttributeName": "owner", "KeyType": "HASH"}],
                                                  "Projection": {"ProjectionType": "KEYS_ONLY"}}],
                         Tags=[{"Key": "made-by", "Value": "create"}])
        ddb.get_waiter("table_exists").wait(TableName="persist-items", WaiterConfig={"Delay": 0.05, "MaxAttempts": 200})
        table_before = ddb.describe_table(TableName="persist-items")["Table"]
        ddb.tag_resource(ResourceArn=table_before["TableArn"], Tags=[{"Key": "team", "Value": "red"}])
        ddb.update_time_to_live(TableName="persist-items", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
        # The topology's table, tagged over the API: the tags come back with it.
        hits_arn = ddb.describe_table(TableName="hits")["Table"]["TableArn"]
        ddb.tag_resource(ResourceArn=hits_arn, Tags=[{"Key": "counted", "Value": "yes"}])
        for i in range(20):
            ddb.put_item(TableName="persist-items", Item={"pk": {"S": "p"}, "sk": {"N": str(i)}, "owner": {"S": f"o{i % 2}"},
                                                           "blob": {"B": binary}, "tags": {"SS": ["a", "b"]}, "nested": {"M": {"l": {"L": [{"N": "1.5"}, {"NULL": True}]}}}})
        ddb.delete_item(TableName="persist-items", Key={"pk": {"S": "p"}, "sk": {"N": "7"}})
        ddb.update_item(TableName="persist-items", Key={"pk": {"S": "p"}, "sk": {"N": "3"}}, UpdateExpression="ADD hits :one",
                        ExpressionAttributeValues={":one": {"N": "1"}})
        items_before = ddb.scan(TableName="persist-items")["Items"]
        self.assertEqual(len(items_before), 19)
        ddb.create_table(TableName="persist-dropped", BillingMode="PAY_PER_REQUEST", AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}])
        ddb.get_waiter("table_exists").wait(TableName="persist-dropped", WaiterConfig={"Delay": 0.05, "MaxAttempts": 200})
        ddb.delete_table(TableName="persist-dropped")

        topic = sns.create_topic(Name="persist-topic", Attributes={"DisplayName": "Kept"}, Tags=[{"Key": "team", "Value": "a"}])["TopicArn"]
        target = sqs.create_queue(QueueName="persist-target")["QueueUrl"]
        target_arn = sqs.get_queue_attributes(QueueUrl=target, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=target_arn, ReturnSubscriptionArn=True,
                            Attributes={"RawMessageDelivery": "true", "FilterPolicy": json.dumps({"colour": ["red"]})})["SubscriptionArn"]
        time.sleep(SETTLE)
        lr.end(signal.SIGKILL)

        lr = self.start("--persist", "--seed", "2")
        sqs, ddb, sns = lr.client("sqs"), lr.client("dynamodb"), lr.client("sns")
        # Queues, with the settings they had, and none that was deleted.
        names = [u.rsplit("/", 1)[1] for u in sqs.list_queues(QueueNamePrefix="persist-").get("QueueUrls", [])]
        self.assertEqual(sorted(names), ["persist-dlq", "persist-q", "persist-target"])
        attributes_after = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        for key in ["VisibilityTimeout", "MessageRetentionPeriod", "RedrivePolicy", "CreatedTimestamp", "QueueArn"]:
            self.assertEqual(attributes_after[key], attributes_before[key], key)
        self.assertEqual(attributes_after["ApproximateNumberOfMessages"], "4")
        self.assertEqual(attributes_after["ApproximateNumberOfMessagesNotVisible"], "1", "the received message is still in flight")
        # The receipt handle handed out before the kill still deletes its message.
        sqs.delete_message(QueueUrl=url, ReceiptHandle=in_flight["ReceiptHandle"])
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], AttributeNames=["All"])["Messages"]
        self.assertEqual(sorted(m["MessageId"] for m in got), sorted(set(sent) - {in_flight["MessageId"]}))
        for m in got:
            self.assertEqual(m["MD5OfBody"], md5(m["Body"]))
            self.assertTrue(m["Body"].endswith("\u00e9\u6f22"))
            self.assertEqual(m["MessageAttributes"]["raw"]["BinaryValue"], binary)
            self.assertEqual(m["Attributes"]["ApproximateReceiveCount"], "1")
        self.assertEqual(lr.client("sqs", "eu-west-1").receive_message(QueueUrl=eu_url)["Messages"][0]["Body"], "from europe")

        # Tables: the same table (id, creation time, index), the same items; the GSI answers.
        table_after = ddb.describe_table(TableName="persist-items")["Table"]
        for key in ["TableId", "CreationDateTime", "KeySchema", "AttributeDefinitions", "TableArn"]:
            self.assertEqual(table_after[key], table_before[key], key)
        self.assertEqual([i["IndexName"] for i in table_after["GlobalSecondaryIndexes"]], ["by-owner"])
        self.assertEqual(ddb.scan(TableName="persist-items")["Items"], items_before)
        self.assertEqual(ddb.query(TableName="persist-items", IndexName="by-owner", KeyConditionExpression="#o = :o",
                                   ExpressionAttributeNames={"#o": "owner"}, ExpressionAttributeValues={":o": {"S": "o1"}})["Count"], 9)
        self.assertNotIn("persist-dropped", ddb.list_tables()["TableNames"])
        self.assertEqual(ddb.list_tags_of_resource(ResourceArn=table_after["TableArn"])["Tags"],
                         [{"Key": "made-by", "Value": "create"}, {"Key": "team", "Value": "red"}])
        self.assertEqual(ddb.describe_time_to_live(TableName="persist-items")["TimeToLiveDescription"],
                         {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"})
        # The pattern's table is there as the topology makes it, with the tags it was given.
        self.assertIn("hits", ddb.list_tables()["TableNames"])
        self.assertEqual(ddb.list_tags_of_resource(ResourceArn=hits_arn)["Tags"], [{"Key": "counted", "Value": "yes"}])

        # Topics: attributes, tags' topic, the subscription under its ARN, filter and raw delivery working.
        self.assertEqual(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["DisplayName"], "Kept")
        subs = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
        self.assertEqual([s["SubscriptionArn"] for s in subs], [sub])
        self.assertEqual(json.loads(sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]["FilterPolicy"]), {"colour": ["red"]})
        sns.publish(TopicArn=topic, Message="blue one", MessageAttributes={"colour": {"DataType": "String", "StringValue": "blue"}})
        sns.publish(TopicArn=topic, Message="red one", MessageAttributes={"colour": {"DataType": "String", "StringValue": "red"}})
        arrived = eventually(lambda: sqs.receive_message(QueueUrl=target, WaitTimeSeconds=1).get("Messages"))
        self.assertEqual([m["Body"] for m in arrived], ["red one"])

    def test_functions_and_layers_made_over_the_api_come_back(self):
        lr = self.start("--persist")
        lam, sqs, sns = lr.client("lambda"), lr.client("sqs"), lr.client("sns")
        layer = lam.publish_layer_version(LayerName="persist-shared", Content={"ZipFile": zipped({"python/shared.py": "WORD = 'kept'\n"})},
                                          CompatibleRuntimes=["python3.11"])
        code = "import os, shared\ndef handler(event, context):\n    return {'word': shared.WORD, 'env': os.environ.get('X'), 'event': event}\n"
        created = lam.create_function(FunctionName="persist-fn", Runtime="python3.11", Handler="app.handler", Role="r", Timeout=9,
                                      Environment={"Variables": {"X": "1"}}, Layers=[layer["LayerVersionArn"]],
                                      Code={"ZipFile": zipped({"app.py": code})})
        lam.update_function_configuration(FunctionName="persist-fn", Environment={"Variables": {"X": "2"}})
        lam.create_function(FunctionName="persist-gone", Runtime="python3.11", Handler="app.handler", Role="r",
                            Code={"ZipFile": zipped({"app.py": "def handler(e, c):\n    return 1\n"})})
        lam.delete_function(FunctionName="persist-gone")
        # A topic delivering to the function: the subscription comes back with it.
        topic = sns.create_topic(Name="persist-to-fn")["TopicArn"]
        fn_arn = lam.get_function_configuration(FunctionName="persist-fn")["FunctionArn"]
        sub = sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=fn_arn)["SubscriptionArn"]
        # A queue feeding the function: the mapping comes back under its UUID and polls again.
        feed = sqs.create_queue(QueueName="persist-feed")["QueueUrl"]
        feed_arn = sqs.get_queue_attributes(QueueUrl=feed, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        mapping = lam.create_event_source_mapping(EventSourceArn=feed_arn, FunctionName="persist-fn", BatchSize=5)["UUID"]
        lam.update_event_source_mapping(UUID=mapping, Enabled=False)
        failures = sns.create_topic(Name="persist-failures")["TopicArn"]
        lam.put_function_event_invoke_config(FunctionName="persist-fn", MaximumRetryAttempts=1,
                                             DestinationConfig={"OnFailure": {"Destination": failures}})
        self.assertEqual(lr.end(signal.SIGTERM), 0)

        lr = self.start("--persist")
        lam, sns = lr.client("lambda"), lr.client("sns")
        config = lam.get_function_configuration(FunctionName="persist-fn")
        self.assertEqual(config["CodeSha256"], created["CodeSha256"])
        self.assertEqual(config["Timeout"], 9)
        self.assertEqual(config["Environment"]["Variables"], {"X": "2"})
        self.assertEqual([l["Arn"] for l in config["Layers"]], [layer["LayerVersionArn"]])
        result = json.load(lam.invoke(FunctionName="persist-fn", Payload=b'{"n": 1}')["Payload"])
        self.assertEqual(result, {"word": "kept", "env": "2", "event": {"n": 1}})
        with self.assertRaises(lam.exceptions.ResourceNotFoundException):
            lam.get_function(FunctionName="persist-gone")
        self.assertEqual([v["Version"] for v in lam.list_layer_versions(LayerName="persist-shared")["LayerVersions"]], [1])
        again = lam.publish_layer_version(LayerName="persist-shared", Content={"ZipFile": zipped({"python/shared.py": "WORD = 'new'\n"})})
        self.assertEqual(again["Version"], 2, "numbers go on after the restored versions")
        # A new version of the function does not take the restored one's code folder.
        lam.create_function(FunctionName="persist-other", Runtime="python3.11", Handler="app.handler", Role="r",
                            Code={"ZipFile": zipped({"app.py": "def handler(e, c):\n    return 'other'\n"})})
        self.assertEqual(json.load(lam.invoke(FunctionName="persist-fn")["Payload"])["word"], "kept")
        self.assertEqual([s["SubscriptionArn"] for s in sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]], [sub])
        invoke_config = lam.get_function_event_invoke_config(FunctionName="persist-fn")
        self.assertEqual((invoke_config["MaximumRetryAttempts"], invoke_config["DestinationConfig"]["OnFailure"]["Destination"]), (1, failures))
        kept = lam.get_event_source_mapping(UUID=mapping)
        self.assertEqual((kept["EventSourceArn"], kept["BatchSize"], kept["State"]), (feed_arn, 5, "Disabled"))
        sqs = lr.client("sqs")
        sqs.send_message(QueueUrl=feed, MessageBody="for the function")
        lam.update_event_source_mapping(UUID=mapping, Enabled=True)

        def consumed():
            a = sqs.get_queue_attributes(QueueUrl=feed, AttributeNames=["All"])["Attributes"]
            return a["ApproximateNumberOfMessages"] == "0" and a["ApproximateNumberOfMessagesNotVisible"] == "0"
        self.assertTrue(eventually(consumed, 20), "the restored mapping hands the message to the function")

    def test_a_kill_9_under_load_loses_nothing_acknowledged_before_the_last_interval(self):
        lr = self.start("--persist")
        url = lr.client("sqs").create_queue(QueueName="persist-load")["QueueUrl"]
        acknowledged = []  # (body, when the answer came)
        stop = threading.Event()

        def send(worker):
            sqs = lr.client("sqs")
            i = 0
            while not stop.is_set():
                body = f"{worker}-{i}"
                try:
                    sqs.send_message(QueueUrl=url, MessageBody=body)
                except Exception:
                    return  # the kill cut this one: never acknowledged
                acknowledged.append((body, time.monotonic()))
                i += 1
        workers = [threading.Thread(target=send, args=(w,)) for w in range(4)]
        for w in workers:
            w.start()
        time.sleep(2)
        lr.proc.kill()
        killed_at = time.monotonic()
        stop.set()
        for w in workers:
            w.join()
        lr.proc.wait(timeout=10)

        lr = self.start("--persist")
        sqs = lr.client("sqs")
        kept = set()
        while True:
            got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=600).get("Messages", [])
            if not got:
                break
            kept.update(m["Body"] for m in got)
        settled = [body for body, at in acknowledged if killed_at - at > SETTLE]
        self.assertGreater(len(settled), 100, "the load ran")
        self.assertEqual([b for b in settled if b not in kept], [], "acknowledged more than an interval (and slack) before the kill")
        recent = [body for body, at in acknowledged if killed_at - at <= SETTLE]
        print(f"kill -9 after {len(acknowledged)} acknowledged sends: {len(settled)} settled, all kept; "
              f"{sum(b in kept for b in recent)} of the {len(recent)} of the last {SETTLE} s kept")

    def test_a_clean_stop_keeps_the_last_changes(self):
        lr = self.start("--persist")
        sqs, ddb = lr.client("sqs"), lr.client("dynamodb")
        url = sqs.create_queue(QueueName="persist-last")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="sent just before the stop")
        ddb.put_item(TableName="hits", Item={"path": {"S": "/just-before"}, "hits": {"N": "3"}})

        def changes():
            text = urllib.request.urlopen(lr.endpoint + "/_localray/metrics").read().decode()
            return {line.split('"')[1]: float(line.split()[-1]) for line in text.splitlines() if line.startswith("localray_persist_changes_total{")}
        self.assertTrue(eventually(lambda: changes().get("committed", 0) >= 3), changes())
        self.assertEqual(changes()["failed"], 0)
        sqs.send_message(QueueUrl=url, MessageBody="sent just before the stop, after the metrics")
        self.assertEqual(lr.end(signal.SIGTERM), 0)

        lr = self.start("--persist")
        sqs, ddb = lr.client("sqs"), lr.client("dynamodb")
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
        self.assertEqual(sorted(m["Body"] for m in got), ["sent just before the stop", "sent just before the stop, after the metrics"])
        self.assertEqual(ddb.get_item(TableName="hits", Key={"path": {"S": "/just-before"}})["Item"]["hits"], {"N": "3"})

    def test_push_endpoints_their_subscriptions_and_a_data_protection_policy_come_back(self):
        lr = self.start("--persist")
        sns = lr.client("sns")
        app = sns.create_platform_application(Name="keep-phones", Platform="GCM", Attributes={"PlatformCredential": "k"})["PlatformApplicationArn"]
        endpoint = sns.create_platform_endpoint(PlatformApplicationArn=app, Token="device-1", CustomUserData="u")["EndpointArn"]
        sns.set_endpoint_attributes(EndpointArn=endpoint, Attributes={"Enabled": "false"})
        gone = sns.create_platform_endpoint(PlatformApplicationArn=app, Token="device-2")["EndpointArn"]
        sns.delete_endpoint(EndpointArn=gone)
        topic = sns.create_topic(Name="keep-pushes")["TopicArn"]
        sub = sns.subscribe(TopicArn=topic, Protocol="application", Endpoint=endpoint)["SubscriptionArn"]
        policy = json.dumps({"Name": "p", "Version": "2021-06-01", "Statement": []})
        sns.put_data_protection_policy(ResourceArn=topic, DataProtectionPolicy=policy)
        self.assertEqual(lr.end(signal.SIGTERM), 0)

        lr = self.start("--persist")
        sns = lr.client("sns")
        self.assertEqual(sns.get_endpoint_attributes(EndpointArn=endpoint)["Attributes"], {"CustomUserData": "u", "Enabled": "false", "Token": "device-1"})
        self.assertEqual([e["EndpointArn"] for e in sns.list_endpoints_by_platform_application(PlatformApplicationArn=app)["Endpoints"]], [endpoint])
        self.assertEqual([s["SubscriptionArn"] for s in sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]], [sub])
        self.assertEqual(sns.get_data_protection_policy(ResourceArn=topic)["DataProtectionPolicy"], policy)
        sns.delete_platform_application(PlatformApplicationArn=app)
        self.assertEqual(lr.end(signal.SIGTERM), 0)
        sns = self.start("--persist").client("sns")
        with self.assertRaises(sns.exceptions.NotFoundException):
            sns.get_platform_application_attributes(PlatformApplicationArn=app)

    def test_sms_settings_opt_outs_and_sandbox_numbers_come_back(self):
        lr = self.start("--persist")
        sns = lr.client("sns")

        def texted_password(number):
            query = urllib.parse.quote(number)
            deliveries = json.loads(urllib.request.urlopen(f"{lr.endpoint}/_localray/sns/deliveries?endpoint={query}").read())["deliveries"]
            return deliveries[0]["message"][-6:]

        sns.set_sms_attributes(attributes={"DefaultSMSType": "Transactional", "DefaultSenderID": "LOCALRAY"})
        urllib.request.urlopen(urllib.request.Request(lr.endpoint + "/_localray/sns/opt-outs", method="POST",
                                                      data=json.dumps({"phoneNumber": "+15550111"}).encode()))
        sns.create_sms_sandbox_phone_number(PhoneNumber="+15550122")
        sns.verify_sms_sandbox_phone_number(PhoneNumber="+15550122", OneTimePassword=texted_password("+15550122"))
        sns.create_sms_sandbox_phone_number(PhoneNumber="+15550133")
        pending_password = texted_password("+15550133")
        self.assertEqual(lr.end(signal.SIGTERM), 0)

        lr = self.start("--persist")
        sns = lr.client("sns")
        self.assertEqual(sns.get_sms_attributes()["attributes"], {"DefaultSMSType": "Transactional", "DefaultSenderID": "LOCALRAY"})
        self.assertEqual(sns.list_phone_numbers_opted_out()["phoneNumbers"], ["+15550111"])
        self.assertTrue(sns.check_if_phone_number_is_opted_out(phoneNumber="+15550111")["isOptedOut"])
        listed = {n["PhoneNumber"]: n["Status"] for n in sns.list_sms_sandbox_phone_numbers()["PhoneNumbers"]}
        self.assertEqual(listed, {"+15550122": "Verified", "+15550133": "Pending"})
        # The password texted before the restart still verifies the pending number.
        sns.verify_sms_sandbox_phone_number(PhoneNumber="+15550133", OneTimePassword=pending_password)
        listed = {n["PhoneNumber"]: n["Status"] for n in sns.list_sms_sandbox_phone_numbers()["PhoneNumbers"]}
        self.assertEqual(listed["+15550133"], "Verified")

    def test_without_the_flag_resources_start_fresh_and_the_file_is_left_alone(self):
        lr = self.start("--persist")
        lr.client("sqs").create_queue(QueueName="persist-kept")
        self.assertEqual(lr.end(signal.SIGINT), 0)

        lr = self.start()
        sqs = lr.client("sqs")
        self.assertNotIn("QueueUrls", sqs.list_queues(QueueNamePrefix="persist-"))
        sqs.create_queue(QueueName="persist-not-kept")
        self.assertEqual(lr.end(signal.SIGINT), 0)

        lr = self.start("--persist")
        names = [u.rsplit("/", 1)[1] for u in lr.client("sqs").list_queues(QueueNamePrefix="persist-").get("QueueUrls", [])]
        self.assertEqual(names, ["persist-kept"])

    def test_a_queue_deleted_and_made_again_does_not_get_the_old_messages_back(self):
        lr = self.start("--persist")
        sqs = lr.client("sqs")
        url = sqs.create_queue(QueueName="persist-again")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="old")
        sqs.delete_queue(QueueUrl=url)
        sqs.create_queue(QueueName="persist-again")
        sqs.send_message(QueueUrl=url, MessageBody="new")
        time.sleep(SETTLE)
        lr.end(signal.SIGKILL)

        lr = self.start("--persist")
        sqs = lr.client("sqs")
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
        self.assertEqual([m["Body"] for m in got], ["new"])

    def test_persist_needs_a_file(self):
        r = subprocess.run([BINARY, "--port", "0", "--xray-udp-port", "0", "--otlp-port", "0", "--db", ":memory:", "--persist"],
                           capture_output=True, text=True, timeout=20)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("--persist", r.stderr + r.stdout)


if __name__ == "__main__":
    unittest.main()
