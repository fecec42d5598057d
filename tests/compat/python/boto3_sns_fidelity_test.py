#!/usr/bin/python3
"""Debian's python3-boto3 and AWS CLI against a real localray: SNS FIFO topics fanning out to FIFO
queues and their FIFO dead-letter queues, http endpoints, tags and permissions, mobile push, and
filter policies on bodies and attributes."""
import json
import threading
import time
import unittest

import botocore.exceptions

from localray_case import LocalrayCase, eventually, trace_root, with_trace_header


class SnsFifoTest(LocalrayCase):
    def test_a_fifo_topic_fans_out_to_two_fifo_queues_in_order_and_once(self):
        sns, sqs = self.client("sns"), self.client("sqs")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            sns.create_topic(Name="no-suffix", Attributes={"FifoTopic": "true"})
        self.assertEqual(e.exception.response["Error"]["Message"], "Invalid parameter: Topic Name")
        topic = sns.create_topic(Name="events.fifo", Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"})["TopicArn"]
        attrs = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
        self.assertEqual((attrs["FifoTopic"], attrs["ContentBasedDeduplication"]), ("true", "true"))
        queues = []
        for name in ("fan-a.fifo", "fan-b.fifo"):
            url = sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true"})["QueueUrl"]
            sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=self.queue_arn(sqs, url), Attributes={"RawMessageDelivery": "true"})
            queues.append(url)
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint="arn:aws:lambda:us-east-1:000000000000:function:f")
        self.assertEqual(e.exception.response["Error"]["Message"], "Invalid parameter: Invalid protocol type: lambda")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            sns.publish(TopicArn=topic, Message="no group")
        self.assertEqual(e.exception.response["Error"]["Message"], "Invalid parameter: The MessageGroupId parameter is required for FIFO topics")

        sequence = []
        for i in range(6):
            r = sns.publish(TopicArn=topic, Message=f"m{i}", MessageGroupId=f"g{i % 2}")
            sequence.append(int(r["SequenceNumber"]))
        repeat = sns.publish(TopicArn=topic, Message="m0", MessageGroupId="g0")
        self.assertEqual(int(repeat["SequenceNumber"]), sequence[0], "a repeat within five minutes is the first publish")
        self.assertEqual(sequence, sorted(sequence))
        batch = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
            {"Id": "a", "Message": "b0", "MessageGroupId": "g0", "MessageDeduplicationId": "batch-0"},
            {"Id": "b", "Message": "b1", "MessageGroupId": "g1", "MessageDeduplicationId": "batch-1"}])
        self.assertEqual(len(batch["Successful"]), 2)
        self.assertTrue(all("SequenceNumber" in s for s in batch["Successful"]))

        for url in queues:
            got = []
            def drained():
                for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]).get("Messages", []):
                    got.append((m["Body"], m["Attributes"]["MessageGroupId"], m["Attributes"]["MessageDeduplicationId"]))
                    sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
                return len(got) >= 8
            self.assertTrue(eventually(drained), got)
            self.assertEqual([b for b, g, _ in got if g == "g0"], ["m0", "m2", "m4", "b0"])
            self.assertEqual([b for b, g, _ in got if g == "g1"], ["m1", "m3", "m5", "b1"])
            self.assertEqual([d for b, _, d in got if b == "b1"], ["batch-1"], "the publish's deduplication id reaches the queue")
            self.assertEqual(len(got), 8, "the repeat was not delivered")


class SnsFifoDeadLetterTest(LocalrayCase):
    def test_a_fifo_subscription_dead_letters_to_a_fifo_queue_and_the_hops_are_graphed(self):
        sns, sqs, xray = self.client("sns"), self.client("sqs"), self.client("xray")
        topic = sns.create_topic(Name="orders-dlq.fifo", Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"})["TopicArn"]
        target_url = sqs.create_queue(QueueName="orders-target.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        standard_dlq = self.queue_arn(sqs, sqs.create_queue(QueueName="orders-standard-dlq")["QueueUrl"])
        dlq_url = sqs.create_queue(QueueName="orders-dlq.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=self.queue_arn(sqs, target_url),
                          Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": standard_dlq})})
        self.assertIn("must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.", e.exception.response["Error"]["Message"])
        sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=self.queue_arn(sqs, target_url),
                            Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": self.queue_arn(sqs, dlq_url)})})["SubscriptionArn"]
        with self.assertRaises(botocore.exceptions.ClientError):
            sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="RedrivePolicy",
                                            AttributeValue=json.dumps({"deadLetterTargetArn": standard_dlq}))

        # Delivered and traced: the topic's node has an edge to the queue's.
        root = trace_root("f1f0")
        with_trace_header(sns, "Publish", root)
        sns.publish(TopicArn=topic, Message="first", MessageGroupId="g1")
        got = eventually(lambda: sqs.receive_message(QueueUrl=target_url, AttributeNames=["All"]).get("Messages"))
        self.assertTrue(got)
        self.assertEqual(got[0]["Attributes"]["MessageGroupId"], "g1")

        def edges():
            graph = xray.get_service_graph(StartTime=time.time() - 60, EndTime=time.time() + 5)["Services"]
            by_id = {s["ReferenceId"]: s for s in graph}
            return {(s["Name"], by_id[e["ReferenceId"]]["Name"]) for s in graph for e in s.get("Edges", [])}
        self.assertTrue(eventually(lambda: ("orders-dlq.fifo", "orders-target.fifo") in edges()), edges())

        # The queue is gone: the next message goes to the FIFO dead-letter queue with its group.
        sqs.delete_queue(QueueUrl=target_url)
        sns.publish(TopicArn=topic, Message="second", MessageGroupId="g2")
        letters = eventually(lambda: sqs.receive_message(QueueUrl=dlq_url, AttributeNames=["All"], MessageAttributeNames=["All"]).get("Messages"))
        self.assertTrue(letters, "dead-lettered")
        self.assertEqual(json.loads(letters[0]["Body"])["Message"], "second")
        self.assertEqual(letters[0]["Attributes"]["MessageGroupId"], "g2")
        self.assertEqual(letters[0]["MessageAttributes"]["ErrorCode"]["StringValue"], "AWS.SimpleQueueService.NonExistentQueue")


class SnsHttpAndAdminTest(LocalrayCase):
    """An http endpoint this test serves, confirmed through boto3's ConfirmSubscription; topic tags
    and permissions through boto3 and the CLI."""
    def test_an_http_endpoint_confirms_and_receives(self):
        import http.server
        got = []

        class Hook(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                got.append((dict(self.headers), json.loads(body)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        url = f"http://127.0.0.1:{server.server_address[1]}/in"
        sns = self.client("sns")
        topic = sns.create_topic(Name="py-http")["TopicArn"]
        self.assertEqual(sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=url)["SubscriptionArn"], "pending confirmation")
        confirmation = eventually(lambda: next((m for h, m in got if m["Type"] == "SubscriptionConfirmation"), None))
        self.assertIsNotNone(confirmation)
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            sns.confirm_subscription(TopicArn=topic, Token="not-a-token")
        self.assertEqual((e.exception.response["Error"]["Code"], e.exception.response["Error"]["Message"]), ("InvalidParameter", "Invalid token"))
        arn = sns.confirm_subscription(TopicArn=topic, Token=confirmation["Token"], AuthenticateOnUnsubscribe="true")["SubscriptionArn"]
        attrs = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
        self.assertEqual((attrs["PendingConfirmation"], attrs["ConfirmationWasAuthenticated"]), ("false", "true"))
        message_id = sns.publish(TopicArn=topic, Message="to the web", Subject="s")["MessageId"]
        notification = eventually(lambda: next(((h, m) for h, m in got if m.get("MessageId") == message_id), None))
        self.assertIsNotNone(notification)
        headers, body = notification
        self.assertEqual(headers["x-amz-sns-subscription-arn"], arn)
        self.assertEqual((body["Type"], body["Message"], body["Subject"], body["TopicArn"]), ("Notification", "to the web", "s", topic))

    def test_topic_tags_and_permissions(self):
        sns = self.client("sns")
        topic = sns.create_topic(Name="py-admin")["TopicArn"]
        sns.tag_resource(ResourceArn=topic, Tags=[{"Key": "team", "Value": "core"}])
        self.assertEqual(sns.list_tags_for_resource(ResourceArn=topic)["Tags"], [{"Key": "team", "Value": "core"}])
        sns.untag_resource(ResourceArn=topic, TagKeys=["team"])
        self.assertEqual(sns.list_tags_for_resource(ResourceArn=topic)["Tags"], [])
        with self.assertRaises(sns.exceptions.ResourceNotFoundException):
            sns.list_tags_for_resource(ResourceArn=topic + "-missing")
        sns.add_permission(TopicArn=topic, Label="pub", AWSAccountId=["111122223333"], ActionName=["Publish"])
        policy = json.loads(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"])
        self.assertEqual(policy["Statement"][-1]["Sid"], "pub")
        with self.assertRaises(sns.exceptions.InvalidParameterException):
            sns.add_permission(TopicArn=topic, Label="pub", AWSAccountId=["111122223333"], ActionName=["Publish"])
        sns.remove_permission(TopicArn=topic, Label="pub")
        # The CLI, for its own serialization of lists.
        r = self.aws_cli("sns", "tag-resource", "--resource-arn", topic, "--tags", "Key=env,Value=dev", "Key=tier,Value=1")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.aws_cli("sns", "list-tags-for-resource", "--resource-arn", topic)
        self.assertEqual(sorted(t["Key"] for t in json.loads(r.stdout)["Tags"]), ["env", "tier"])
        r = self.aws_cli("sns", "add-permission", "--topic-arn", topic, "--label", "cli", "--aws-account-id", "111122223333", "--action-name", "Publish", "Subscribe")
        self.assertEqual(r.returncode, 0, r.stderr)
        policy = json.loads(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"])
        self.assertEqual(policy["Statement"][-1]["Action"], ["SNS:Publish", "SNS:Subscribe"])


class SnsPlatformTest(LocalrayCase):
    """Mobile push through boto3 and the CLI: platform applications and endpoints with AWS's errors,
    a publish to an endpoint and to an `application` subscription, read back from
    /_localray/sns/deliveries with the message chosen for the endpoint's platform."""
    def deliveries(self, endpoint):
        import urllib.parse
        import urllib.request
        url = self.endpoint + "/_localray/sns/deliveries?endpoint=" + urllib.parse.quote(endpoint, safe="")
        return json.loads(urllib.request.urlopen(url).read())["deliveries"]

    def test_applications_endpoints_and_what_they_are_sent(self):
        sns = self.client("sns")
        creds = {"PlatformPrincipal": "client-id", "PlatformCredential": "client-secret"}
        app = sns.create_platform_application(Name="py-phones", Platform="ADM", Attributes=creds)["PlatformApplicationArn"]
        self.assertEqual(app, "arn:aws:sns:us-east-1:000000000000:app/ADM/py-phones")
        self.assertEqual(sns.get_platform_application_attributes(PlatformApplicationArn=app)["Attributes"], {"Enabled": "true"})
        for kwargs, code, message in [
            (dict(Name="x", Platform="ADM", Attributes={}), "ValidationError",
             "1 validation error detected: Value null at 'attributes' failed to satisfy constraint: Member must not be null"),
            (dict(Name="x", Platform="AAA", Attributes=creds), "InvalidParameter", "Invalid parameter: Platform Reason: AAA is not supported"),
            (dict(Name="@name", Platform="ADM", Attributes=creds), "InvalidParameter",
             "Invalid parameter: @name Reason: must contain only characters 'a'-'z', 'A'-'Z', '0'-'9', '_', '-', and '.'"),
            (dict(Name="x", Platform="ADM", Attributes={"PlatformPrincipal": "p"}), "InvalidParameter",
             "Invalid parameter: Attributes Reason: PlatformPrincipal attribute provided without PlatformCredential"),
        ]:
            with self.assertRaises(botocore.exceptions.ClientError) as e:
                sns.create_platform_application(**kwargs)
            self.assertEqual((e.exception.response["Error"]["Code"], e.exception.response["Error"]["Message"]), (code, message))

        endpoint = sns.create_platform_endpoint(PlatformApplicationArn=app, Token="token_1", CustomUserData="user-7")["EndpointArn"]
        self.assertRegex(endpoint, r"^arn:aws:sns:us-east-1:000000000000:endpoint/ADM/py-phones/[0-9a-f-]{36}$")
        self.assertEqual(sns.create_platform_endpoint(PlatformApplicationArn=app, Token="token_1", CustomUserData="user-7")["EndpointArn"], endpoint)
        with self.assertRaises(sns.exceptions.InvalidParameterException) as e:
            sns.create_platform_endpoint(PlatformApplicationArn=app, Token="token_1", Attributes={"Enabled": "false"})
        self.assertIn(f"Endpoint {endpoint} already exists with the same Token, but different attributes.", str(e.exception))
        self.assertEqual(sns.get_endpoint_attributes(EndpointArn=endpoint)["Attributes"], {"CustomUserData": "user-7", "Enabled": "true", "Token": "token_1"})
        listed = sns.list_endpoints_by_platform_application(PlatformApplicationArn=app)["Endpoints"]
        self.assertEqual([e["EndpointArn"] for e in listed], [endpoint])
        with self.assertRaises(sns.exceptions.NotFoundException):
            sns.get_endpoint_attributes(EndpointArn=endpoint.rsplit("/", 1)[0] + "/0f7d5971-aa8b-4bd5-b585-0826e9f93a66")

        # Straight to the endpoint: its platform's entry of a JSON message.
        push = json.dumps({"default": "plain", "ADM": json.dumps({"data": {"text": "hello"}})})
        message_id = sns.publish(TargetArn=endpoint, MessageStructure="json", Message=push)["MessageId"]
        sent = self.deliveries(endpoint)
        self.assertEqual((sent[0]["message_id"], sent[0]["protocol"], sent[0]["platform"], sent[0]["message"]),
                         (message_id, "application", "ADM", '{"data": {"text": "hello"}}'))
        # Through a topic: the subscription needs no confirmation.
        topic = sns.create_topic(Name="py-pushes")["TopicArn"]
        sub = sns.subscribe(TopicArn=topic, Protocol="application", Endpoint=endpoint)["SubscriptionArn"]
        self.assertTrue(sub.startswith(topic + ":"), sub)
        from_topic = sns.publish(TopicArn=topic, Message="to every phone")["MessageId"]
        self.assertTrue(eventually(lambda: any(d["message_id"] == from_topic and d["subscription_arn"] == sub for d in self.deliveries(endpoint))))
        with self.assertRaises(sns.exceptions.InvalidParameterException) as e:
            sns.subscribe(TopicArn=topic, Protocol="application", Endpoint=endpoint + "0")
        self.assertEqual(e.exception.response["Error"]["Message"], f"Invalid parameter: Endpoint Reason: Endpoint does not exist for endpoint arn{endpoint}0")

        # Disabled: a direct publish is refused, a topic's is not pushed.
        sns.set_endpoint_attributes(EndpointArn=endpoint, Attributes={"Enabled": "false"})
        with self.assertRaises(sns.exceptions.EndpointDisabledException) as e:
            sns.publish(TargetArn=endpoint, Message="x")
        self.assertEqual(e.exception.response["Error"]["Message"], "Endpoint is disabled")
        # A second phone on the topic: once it has the message, the topic has passed the first by.
        other = sns.create_platform_endpoint(PlatformApplicationArn=app, Token="token_2")["EndpointArn"]
        sns.subscribe(TopicArn=topic, Protocol="application", Endpoint=other)
        only_other = sns.publish(TopicArn=topic, Message="not to the disabled one")["MessageId"]
        self.assertTrue(eventually(lambda: any(d["message_id"] == only_other for d in self.deliveries(other))))
        self.assertFalse(any(d["message_id"] == only_other for d in self.deliveries(endpoint)))
        with self.assertRaises(sns.exceptions.InvalidParameterException) as e:
            sns.publish(TargetArn="arn:aws:sns:us-east-1:000000000000:endpoint/APNS/abcdef/0f7d5971-aa8b-4bd5-b585-0826e9f93a66", Message="x")
        self.assertEqual(e.exception.response["Error"]["Message"], "Invalid parameter: TargetArn Reason: No endpoint found for the target arn specified")

        # The CLI: an FCM application (its credential alone) and the list of applications.
        r = self.aws_cli("sns", "create-platform-application", "--name", "cli-fcm", "--platform", "GCM", "--attributes", "PlatformCredential=server-key")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.aws_cli("sns", "list-platform-applications")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted(a["PlatformApplicationArn"] for a in json.loads(r.stdout)["PlatformApplications"]),
                         [app, "arn:aws:sns:us-east-1:000000000000:app/GCM/cli-fcm"])

        # Deleting the endpoint keeps the subscription; deleting the application takes its endpoints.
        sns.delete_endpoint(EndpointArn=endpoint)
        self.assertIn(sub, [s["SubscriptionArn"] for s in sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]])
        sns.delete_platform_application(PlatformApplicationArn=app)
        with self.assertRaises(sns.exceptions.NotFoundException):
            sns.list_endpoints_by_platform_application(PlatformApplicationArn=app)


class SnsFilterPolicyTest(LocalrayCase):
    def test_policies_on_bodies_and_attributes_with_every_operator(self):
        sns, sqs = self.client("sns"), self.client("sqs")
        topic = sns.create_topic(Name="filtered")["TopicArn"]
        def queue(name):
            url = sqs.create_queue(QueueName=name)["QueueUrl"]
            return url, self.queue_arn(sqs, url)
        body_url, body_arn = queue("by-body")
        attr_url, attr_arn = queue("by-attributes")
        body_policy = {"order": {"status": ["paid"], "total": [{"numeric": [">", 100, "<=", 1000]}]},
                       "$or": [{"region": [{"prefix": "eu-"}]}, {"vip": [True]}]}
        sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=body_arn, ReturnSubscriptionArn=True,
                            Attributes={"FilterPolicyScope": "MessageBody", "FilterPolicy": json.dumps(body_policy),
                                        "RawMessageDelivery": "true"})["SubscriptionArn"]
        attrs = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
        self.assertEqual(attrs["FilterPolicyScope"], "MessageBody")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="FilterPolicyScope", AttributeValue="MessageAttributes")
        self.assertEqual(e.exception.response["Error"]["Message"],
                         "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy")
        attr_policy = {"source": [{"anything-but": {"prefix": "test-"}}], "ip": [{"cidr": "192.168.0.0/16"}],
                       "level": [{"equals-ignore-case": "ERROR"}, {"suffix": "-fatal"}], "trace": [{"exists": False}]}
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=attr_arn,
                      Attributes={"FilterPolicy": json.dumps(attr_policy), "RawMessageDelivery": "true"})
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=attr_arn + "-x",
                          Attributes={"FilterPolicy": json.dumps({"n": [{"numeric": [">", 10, "<", 5]}]})})
        self.assertEqual(e.exception.response["Error"]["Message"], "Invalid parameter: Attributes Reason: FilterPolicy: Bottom must be less than top")

        def s(v):
            return {"DataType": "String", "StringValue": v}
        messages = [
            ({"order": {"status": "paid", "total": 500}, "region": "eu-west-1"}, {}),             # body: yes
            ({"order": {"status": "paid", "total": 500}, "region": "us-east-1"}, {}),             # body: no ($or)
            ({"order": {"status": "paid", "total": 50}, "vip": True}, {}),                       # body: no (total)
            ({"order": [{"status": "new"}, {"status": "paid", "total": 101}], "vip": True}, {}),  # body: yes (array)
            ("not json", {"source": s("prod-api"), "ip": s("192.168.4.4"), "level": s("error")}),     # attributes: yes
            ("m", {"source": s("test-api"), "ip": s("192.168.4.4"), "level": s("error")}),           # no: anything-but
            ("m", {"source": s("prod-api"), "ip": s("10.0.0.1"), "level": s("db-fatal")}),           # no: cidr
            ("m2", {"source": s("prod-api"), "ip": s("192.168.0.9"), "level": s("db-fatal")}),       # attributes: yes
            ("m", {"source": s("prod-api"), "ip": s("192.168.0.9"), "level": s("db-fatal"), "trace": s("t")}),  # no: exists false
        ]
        for body, attributes in messages:
            sns.publish(TopicArn=topic, Message=body if isinstance(body, str) else json.dumps(body), MessageAttributes=attributes)
        def drain(url, n):
            got = []
            def enough():
                got.extend(m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []))
                return len(got) >= n
            eventually(enough, 5)
            return got
        by_body = [json.loads(b) for b in drain(body_url, 2)]
        self.assertEqual([b.get("region", b.get("vip")) for b in by_body], ["eu-west-1", True])
        self.assertEqual(sorted(drain(attr_url, 2)), ["m2", "not json"])
        self.assertEmptyReceive(sqs.receive_message(QueueUrl=body_url, WaitTimeSeconds=1))
        self.assertEmptyReceive(sqs.receive_message(QueueUrl=attr_url))


if __name__ == "__main__":
    unittest.main()
