#!/usr/bin/python3
"""Debian's python3-boto3 and AWS CLI against a real localray: SQS FIFO queues (group order under
concurrent consumers, deduplication, the FIFO rules' errors), receipt-handle rules, tags, permissions,
dead-letter sources and their allow policy. The SNS half is boto3_sns_fidelity_test.py."""
import json
import threading
import time
import unittest

import botocore.exceptions

from localray_case import LocalrayCase, eventually, trace_root, with_trace_header


class SqsFifoTest(LocalrayCase):
    def error(self, call, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            call(**kwargs)
        return e.exception.response["Error"]

    def test_fifo_queue_attributes_and_creation_errors(self):
        sqs = self.client("sqs")
        err = self.error(sqs.create_queue, QueueName="no-suffix", Attributes={"FifoQueue": "true"})
        self.assertEqual(err["Code"], "InvalidParameterValue")
        self.assertEqual(err["Message"], "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, "
                                         "must end with .fifo suffix and be 1 to 80 in length.")
        err = self.error(sqs.create_queue, QueueName="suffix-only.fifo")
        self.assertEqual(err["Message"], "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
        err = self.error(sqs.create_queue, QueueName="std-dedup", Attributes={"ContentBasedDeduplication": "true"})
        self.assertEqual((err["Code"], err["Message"]), ("InvalidAttributeName", "Unknown Attribute ContentBasedDeduplication."))
        err = self.error(sqs.create_queue, QueueName="std-scope", Attributes={"DeduplicationScope": "messageGroup"})
        self.assertEqual(err["Message"], "You can specify the DeduplicationScope only when FifoQueue is set to true.")

        url = sqs.create_queue(QueueName="attrs.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        self.assertEqual((a["FifoQueue"], a["ContentBasedDeduplication"], a["DeduplicationScope"], a["FifoThroughputLimit"]),
                         ("true", "false", "queue", "perQueue"))
        self.assertEqual(a["MaximumMessageSize"], "1048576")
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"ContentBasedDeduplication": "true", "DeduplicationScope": "messageGroup",
                                                           "FifoThroughputLimit": "perMessageGroupId"})
        a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ContentBasedDeduplication", "FifoThroughputLimit"])["Attributes"]
        self.assertEqual(a, {"ContentBasedDeduplication": "true", "FifoThroughputLimit": "perMessageGroupId"})
        err = self.error(sqs.set_queue_attributes, QueueUrl=url, Attributes={"FifoQueue": "false"})
        self.assertEqual((err["Code"], err["Message"]),
                         ("InvalidAttributeValue", "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported."))
        self.assertEqual(sqs.create_queue(QueueName="attrs.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"], url, "idempotent")

        std_dlq = self.queue_arn(sqs, sqs.create_queue(QueueName="std-dlq")["QueueUrl"])
        policy = json.dumps({"deadLetterTargetArn": std_dlq, "maxReceiveCount": 3})
        err = self.error(sqs.set_queue_attributes, QueueUrl=url, Attributes={"RedrivePolicy": policy})
        self.assertEqual(err["Message"], f"Value {policy} for parameter RedrivePolicy is invalid. "
                                         "Reason: Dead-letter queue must be same type of queue as the source..")

    def test_send_rules_deduplication_and_sequence_numbers(self):
        sqs = self.client("sqs")
        url = sqs.create_queue(QueueName="dedup.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        err = self.error(sqs.send_message, QueueUrl=url, MessageBody="x", MessageDeduplicationId="d")
        self.assertEqual((err["Code"], err["Message"]), ("MissingParameter", "The request must contain the parameter MessageGroupId."))
        err = self.error(sqs.send_message, QueueUrl=url, MessageBody="x", MessageGroupId="g")
        self.assertEqual(err["Message"], "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
        err = self.error(sqs.send_message, QueueUrl=url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d", DelaySeconds=2)
        self.assertEqual(err["Message"], "Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.")
        err = self.error(sqs.send_message, QueueUrl=url, MessageBody="x", MessageGroupId="group 1", MessageDeduplicationId="d")
        self.assertEqual(err["Message"], "Value group 1 for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include "
                                         "alphanumeric and punctuation characters. 1 to 128 in length.")
        err = self.error(sqs.send_message_batch, QueueUrl=url, Entries=[{"Id": "a", "MessageBody": "x", "MessageGroupId": "g", "MessageDeduplicationId": "1"},
                                                                        {"Id": "b", "MessageBody": "y", "MessageDeduplicationId": "2"}])
        self.assertEqual((err["Code"], err["Message"]), ("InvalidParameterValue", "The request must contain the parameter MessageGroupId."),
                         "a batch entry without a group fails the whole batch")
        self.assertEqual(self.counters(sqs, url), ("0", "0"), "and sends none of it")

        first = sqs.send_message(QueueUrl=url, MessageBody="once", MessageGroupId="g", MessageDeduplicationId="d-1")
        again = sqs.send_message(QueueUrl=url, MessageBody="once more", MessageGroupId="g", MessageDeduplicationId="d-1")
        self.assertEqual((again["MessageId"], again["SequenceNumber"]), (first["MessageId"], first["SequenceNumber"]))
        other = sqs.send_message(QueueUrl=url, MessageBody="once", MessageGroupId="g", MessageDeduplicationId="d-2")
        self.assertNotEqual(other["MessageId"], first["MessageId"], "another deduplication id is another message")
        self.assertEqual(len(first["SequenceNumber"]), 20)
        self.assertGreater(int(other["SequenceNumber"]), int(first["SequenceNumber"]))

        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])["Messages"]
        self.assertEqual([m["Body"] for m in got], ["once", "once"])
        attrs = got[0]["Attributes"]
        self.assertEqual((attrs["MessageGroupId"], attrs["MessageDeduplicationId"], attrs["SequenceNumber"]),
                         ("g", "d-1", first["SequenceNumber"]))
        for m in got:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        # Deleting does not end the five minutes: the id is still known.
        sqs.send_message(QueueUrl=url, MessageBody="once", MessageGroupId="g", MessageDeduplicationId="d-1")
        self.assertEmptyReceive(sqs.receive_message(QueueUrl=url))

        content = sqs.create_queue(QueueName="content.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
        sent = sqs.send_message_batch(QueueUrl=content, Entries=[{"Id": "a", "MessageBody": "same", "MessageGroupId": "g"},
                                                                 {"Id": "b", "MessageBody": "same", "MessageGroupId": "g"},
                                                                 {"Id": "c", "MessageBody": "different", "MessageGroupId": "g"}])
        ids = {e["Id"]: e["MessageId"] for e in sent["Successful"]}
        self.assertEqual(ids["a"], ids["b"], "the body's SHA-256 is the deduplication id")
        self.assertNotEqual(ids["a"], ids["c"])
        self.assertEqual(self.counters(sqs, content), ("2", "0"))

    def test_group_order_holds_under_concurrent_consumers(self):
        sqs = self.client("sqs")
        url = sqs.create_queue(QueueName="orders.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true",
                                                                    "VisibilityTimeout": "30"})["QueueUrl"]
        groups = ["alpha", "beta", "gamma"]
        for n in range(0, 30, 10):
            sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": f"e{i}", "MessageBody": f"{groups[(n + i) % 3]}-{n + i:02d}",
                                                           "MessageGroupId": groups[(n + i) % 3]} for i in range(10)])
        seen = {g: [] for g in groups}
        lock = threading.Lock()
        in_flight_groups = []
        clashes = []  # groups two consumers held at once

        def consume():
            client = self.client("sqs")
            idle = 0
            while idle < 3:
                got = client.receive_message(QueueUrl=url, MaxNumberOfMessages=3, WaitTimeSeconds=1).get("Messages", [])
                if not got:
                    idle += 1
                    continue
                held = {m["Body"].split("-")[0] for m in got}
                with lock:
                    clashes.extend(held & set(in_flight_groups))
                    in_flight_groups.extend(held)
                    for m in got:
                        seen[m["Body"].split("-")[0]].append(m["Body"])
                # Work on the messages while their groups are held, then let go before deleting
                # (a delete unlocks the group for the next consumer at once).
                threading.Event().wait(0.02)
                with lock:
                    for g in held:
                        in_flight_groups.remove(g)
                for m in got:
                    client.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])

        threads = [threading.Thread(target=consume) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(clashes, [], "two consumers held messages of one group at once")
        for g in groups:
            self.assertEqual(len(seen[g]), 10, seen)
            self.assertEqual(seen[g], sorted(seen[g]), f"group {g} out of order")

    def test_receipt_handles_as_sqs_treats_them(self):
        sqs = self.client("sqs")
        url = sqs.create_queue(QueueName="handles")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="m")
        first = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"][0]
        second = sqs.receive_message(QueueUrl=url, VisibilityTimeout=30)["Messages"][0]
        sqs.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])  # stale: succeeds, deletes nothing
        self.assertEqual(self.counters(sqs, url), ("0", "1"))
        err = self.error(sqs.change_message_visibility, QueueUrl=url, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=5)
        self.assertEqual(err["Message"], f"Value {first['ReceiptHandle']} for parameter ReceiptHandle is invalid. "
                                         "Reason: Message does not exist or is not available for visibility timeout change.")
        sqs.delete_message(QueueUrl=url, ReceiptHandle=second["ReceiptHandle"])
        sqs.delete_message(QueueUrl=url, ReceiptHandle=second["ReceiptHandle"])  # used already: succeeds
        self.assertEqual(self.counters(sqs, url), ("0", "0"))
        err = self.error(sqs.delete_message, QueueUrl=url, ReceiptHandle="garbage")
        self.assertEqual((err["Code"], err["Message"]), ("ReceiptHandleIsInvalid", 'The input receipt handle "garbage" is not a valid receipt handle.'))

    def test_the_cli_sends_and_receives_in_group_order(self):
        sqs = self.client("sqs")
        url = sqs.create_queue(QueueName="cli.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        for i in range(3):
            r = self.aws_cli("sqs", "send-message", "--queue-url", url, "--message-body", f"m{i}", "--message-group-id", "g",
                             "--message-deduplication-id", f"d{i}")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("SequenceNumber", json.loads(r.stdout))
        r = self.aws_cli("sqs", "receive-message", "--queue-url", url, "--max-number-of-messages", "10", "--attribute-names", "All")
        self.assertEqual(r.returncode, 0, r.stderr)
        got = json.loads(r.stdout)["Messages"]
        self.assertEqual([m["Body"] for m in got], ["m0", "m1", "m2"])
        self.assertEqual({m["Attributes"]["MessageGroupId"] for m in got}, {"g"})


class SqsRedriveAndAdminTest(LocalrayCase):
    def error(self, call, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            call(**kwargs)
        return e.exception.response

    def test_tags_and_permissions(self):
        sqs = self.client("sqs")
        url = sqs.create_queue(QueueName="tagged", tags={"team": "orders", "env": "dev"})["QueueUrl"]
        self.assertEqual(sqs.list_queue_tags(QueueUrl=url)["Tags"], {"team": "orders", "env": "dev"})
        sqs.tag_queue(QueueUrl=url, Tags={"env": "prod", "Env": "case-sensitive"})
        sqs.untag_queue(QueueUrl=url, TagKeys=["team", "not-there"])
        self.assertEqual(sqs.list_queue_tags(QueueUrl=url)["Tags"], {"env": "prod", "Env": "case-sensitive"})
        err = self.error(sqs.tag_queue, QueueUrl=url, Tags={f"k{i}": "v" for i in range(49)})["Error"]
        self.assertEqual((err["Code"], err["Message"]), ("InvalidParameterValue", "Too many tags added for queue tagged."))
        sqs.untag_queue(QueueUrl=url, TagKeys=["env", "Env"])
        self.assertNotIn("Tags", sqs.list_queue_tags(QueueUrl=url))

        arn = self.queue_arn(sqs, url)
        sqs.add_permission(QueueUrl=url, Label="send", AWSAccountIds=["111122223333"], Actions=["SendMessage"])
        sqs.add_permission(QueueUrl=url, Label="read", AWSAccountIds=["111122223333", "444455556666"], Actions=["ReceiveMessage", "DeleteMessage"])
        policy = json.loads(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]["Policy"])
        self.assertEqual(policy["Version"], "2008-10-17")
        self.assertEqual(policy["Id"], f"{arn}/SQSDefaultPolicy")
        self.assertEqual(policy["Statement"][0], {"Sid": "send", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                                                  "Action": "SQS:SendMessage", "Resource": arn})
        self.assertEqual(policy["Statement"][1]["Action"], ["SQS:ReceiveMessage", "SQS:DeleteMessage"])
        self.assertEqual(len(policy["Statement"][1]["Principal"]["AWS"]), 2)
        err = self.error(sqs.add_permission, QueueUrl=url, Label="send", AWSAccountIds=["111122223333"], Actions=["SendMessage"])["Error"]
        self.assertEqual(err["Message"], "Value send for parameter Label is invalid. Reason: Already exists.")
        err = self.error(sqs.add_permission, QueueUrl=url, Label="x", AWSAccountIds=["111122223333"], Actions=["ChangeMessageVisibilityBatch"])["Error"]
        self.assertEqual(err["Message"], "Value SQS:ChangeMessageVisibilityBatch for parameter ActionName is invalid. "
                                         "Reason: Please refer to the appropriate WSDL for a list of valid actions.")
        err = self.error(sqs.remove_permission, QueueUrl=url, Label="nope")["Error"]
        self.assertEqual(err["Message"], "Value nope for parameter Label is invalid. Reason: can't find label.")
        sqs.remove_permission(QueueUrl=url, Label="send")
        sqs.remove_permission(QueueUrl=url, Label="read")
        self.assertNotIn("Attributes", sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"]), "the last statement takes the policy")

    def test_dead_letter_sources_and_their_allow_policy(self):
        sqs = self.client("sqs")
        dlq = sqs.create_queue(QueueName="mv-dlq")["QueueUrl"]
        dlq_arn = self.queue_arn(sqs, dlq)
        sources = []
        for name in ("mv-a", "mv-b"):
            sources.append(sqs.create_queue(QueueName=name, Attributes={
                "VisibilityTimeout": "0", "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1})})["QueueUrl"])
        self.assertEqual(sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"], sources)
        page = sqs.list_dead_letter_source_queues(QueueUrl=dlq, MaxResults=1)
        self.assertEqual((page["queueUrls"], sqs.list_dead_letter_source_queues(QueueUrl=dlq, MaxResults=1, NextToken=page["NextToken"])["queueUrls"]),
                         ([sources[0]], [sources[1]]))

        sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"RedriveAllowPolicy": json.dumps({"redrivePermission": "byQueue",
                                                                                             "sourceQueueArns": [self.queue_arn(sqs, sources[0])]})})
        err = self.error(sqs.create_queue, QueueName="mv-c", Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1})})
        self.assertIn("RedriveAllowPolicy does not allow", err["Error"]["Message"])
        err = self.error(sqs.set_queue_attributes, QueueUrl=dlq, Attributes={"RedriveAllowPolicy": json.dumps({"redrivePermission": "byQueue"})})
        self.assertIn("you must also specify one or more sourceQueueArns values", err["Error"]["Message"])
        sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"RedriveAllowPolicy": json.dumps({"redrivePermission": "allowAll"})})

        # Two messages fail in each source and land in the DLQ, stamped with where they came from.
        for url in sources:
            sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"{url.rsplit('/', 1)[1]}-{i}"} for i in range(2)])
            sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
            self.assertEmptyReceive(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10))
        self.assertTrue(eventually(lambda: self.counters(sqs, dlq)[0] == "4"))
        dead = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, VisibilityTimeout=0, AttributeNames=["All"])["Messages"]
        self.assertEqual({m["Attributes"]["DeadLetterQueueSourceArn"] for m in dead}, {self.queue_arn(sqs, u) for u in sources})

        r = self.aws_cli("sqs", "list-dead-letter-source-queues", "--queue-url", dlq)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["queueUrls"], sources)
        # Message move tasks are newer than Debian's botocore: js_v3.test.mjs drives them.


if __name__ == "__main__":
    unittest.main()
