#!/usr/bin/python3
"""Debian's python3-boto3 against a real localray: Regions and accounts: each keeps its own queues, topics, tables and functions."""
import json
import unittest
import urllib.request

import boto3
import botocore.exceptions

from localray_case import LocalrayCase, ACCOUNT, eventually


class RegionsTest(LocalrayCase):
    def test_each_region_and_account_keeps_its_own_resources(self):
        def client(name, region, key="test"):
            c = boto3.session.Session(aws_access_key_id=key, aws_secret_access_key="test", region_name=region).client(name, endpoint_url=self.endpoint)
            self.addCleanup(c.close)
            return c

        sqs_eu, sqs_us = client("sqs", "eu-west-1"), client("sqs", "us-east-1")
        url = sqs_eu.create_queue(QueueName="boto-regional")["QueueUrl"]
        self.assertIn("/queue/eu-west-1/000000000000/boto-regional", url)
        self.assertEqual(self.queue_arn(sqs_eu, url), f"arn:aws:sqs:eu-west-1:{ACCOUNT}:boto-regional")
        self.assertNotIn("QueueUrls", sqs_us.list_queues(QueueNamePrefix="boto-regional"), "us-east-1 has no such queue")
        with self.assertRaises(botocore.exceptions.ClientError) as missing:
            sqs_us.get_queue_url(QueueName="boto-regional")
        self.assertEqual(missing.exception.response["Error"]["Code"], "AWS.SimpleQueueService.NonExistentQueue")
        # The URL says where the queue lives: a client of another region reaches it through it.
        sqs_us.send_message(QueueUrl=url, MessageBody="across")
        self.assertEqual(sqs_eu.receive_message(QueueUrl=url)["Messages"][0]["Body"], "across")

        sns_eu = client("sns", "eu-west-1")
        topic = sns_eu.create_topic(Name="boto-regional")["TopicArn"]
        self.assertEqual(topic, f"arn:aws:sns:eu-west-1:{ACCOUNT}:boto-regional")
        self.assertNotIn(topic, [t["TopicArn"] for t in client("sns", "us-east-1").list_topics()["Topics"]])
        # A us-east-1 topic delivers to the eu-west-1 queue, as SNS does across regions.
        sns_us = client("sns", "us-east-1")
        us_topic = sns_us.create_topic(Name="boto-to-europe")["TopicArn"]
        sns_us.subscribe(TopicArn=us_topic, Protocol="sqs", Endpoint=self.queue_arn(sqs_eu, url), Attributes={"RawMessageDelivery": "true"})
        sns_us.publish(TopicArn=us_topic, Message="over the sea")
        got = eventually(lambda: sqs_eu.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages"))
        self.assertEqual(got[0]["Body"], "over the sea")

        ddb_eu = client("dynamodb", "eu-west-1")
        ddb_eu.create_table(TableName="boto-regional", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                            AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
        self.assertNotIn("boto-regional", client("dynamodb", "us-east-1").list_tables()["TableNames"])
        self.assertEqual(ddb_eu.describe_table(TableName="boto-regional")["Table"]["TableArn"],
                         f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/boto-regional")
        self.assertEqual(client("lambda", "eu-west-1").list_functions()["Functions"], [], "the pattern's functions live in us-east-1")

        # A twelve-digit access key names an account of its own.
        other = client("sqs", "us-east-1", key="111111111111").create_queue(QueueName="boto-regional")["QueueUrl"]
        self.assertIn("/queue/us-east-1/111111111111/boto-regional", other)

        with urllib.request.urlopen(f"{self.endpoint}/_localray/resources") as r:
            resources = json.loads(r.read())
        scopes = {(x["account"], x["region"]) for x in resources["regions"]}
        self.assertLessEqual({(ACCOUNT, "us-east-1"), (ACCOUNT, "eu-west-1"), ("111111111111", "us-east-1")}, scopes)
        queue = next(q for q in resources["queues"] if q["url"] == url)
        self.assertEqual((queue["region"], queue["account"]), ("eu-west-1", ACCOUNT))


if __name__ == "__main__":
    unittest.main(verbosity=2)
