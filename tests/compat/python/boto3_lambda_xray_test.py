#!/usr/bin/python3
"""Debian's python3-boto3 against a real localray: Lambda functions, invocation modes and event source mappings; X-Ray segments, queries, groups and sampling."""
import base64
import datetime
import json
import time
import unittest

from localray_case import LocalrayCase, SNS_SUBSCRIBE_ARN, eventually


class LambdaXrayTest(LocalrayCase):
    def test_lambda_functions_invoke_modes_and_event_source_mappings(self):
        lam, sqs = self.client("lambda"), self.client("sqs")
        names = sorted(f["FunctionName"] for f in lam.list_functions()["Functions"])
        self.assertEqual(names, ["dynamo", "http", "sns_publish", "sns_subscribe", "sqs", "sqs_subscribe"])
        fn = lam.get_function(FunctionName="sns_subscribe")["Configuration"]
        self.assertEqual((fn["FunctionName"], fn["FunctionArn"]), ("sns_subscribe", SNS_SUBSCRIBE_ARN))

        event = json.dumps({"Records": [{"Sns": {"Message": "boto"}}]})
        out = lam.invoke(FunctionName="sns_subscribe", Payload=event, LogType="Tail")
        self.assertEqual(out["StatusCode"], 200)
        self.assertNotIn("FunctionError", out)
        self.assertIn("received message: boto", base64.b64decode(out["LogResult"]).decode())
        bad = lam.invoke(FunctionName="sns_subscribe", Payload="{}")
        self.assertEqual((bad["StatusCode"], bad["FunctionError"]), (200, "Unhandled"))
        self.assertEqual(json.loads(bad["Payload"].read())["errorMessage"], "event has no SNS message")
        self.assertEqual(lam.invoke(FunctionName="sns_subscribe", InvocationType="Event", Payload=event)["StatusCode"], 202)
        self.assertEqual(lam.invoke(FunctionName="sns_subscribe", InvocationType="DryRun")["StatusCode"], 204)
        with self.assertRaises(lam.exceptions.ResourceNotFoundException):
            lam.invoke(FunctionName="nope")

        self.assertEqual(len(lam.list_event_source_mappings(FunctionName="sqs_subscribe")["EventSourceMappings"]), 1)
        url = sqs.create_queue(QueueName="boto-lambda-source")["QueueUrl"]
        arn = self.queue_arn(sqs, url)
        created = lam.create_event_source_mapping(FunctionName="sqs_subscribe", EventSourceArn=arn, BatchSize=5)
        self.assertEqual((created["BatchSize"], created["EventSourceArn"]), (5, arn))
        self.assertTrue(created["FunctionArn"].endswith(":function:sqs_subscribe"))
        listed = lam.list_event_source_mappings(FunctionName="sqs_subscribe")["EventSourceMappings"]
        self.assertEqual(len(listed), 2)
        self.assertTrue(any(m["UUID"] == created["UUID"] and m["EventSourceArn"] == arn for m in listed))
        self.assertEqual([m["UUID"] for m in lam.list_event_source_mappings(EventSourceArn=arn)["EventSourceMappings"]], [created["UUID"]])
        sqs.send_message(QueueUrl=url, MessageBody="consumed by the mapping")
        self.assertTrue(eventually(lambda: self.counters(sqs, url) == ("0", "0")), "the mapping consumed and deleted the message")

    def test_xray_segments_summaries_filters_traces_and_graphs(self):
        xray = self.client("xray")
        now = int(time.time())
        ok_id, fault_id = f"1-{now:08x}-{'56' * 12}", f"1-{now:08x}-{'78' * 12}"

        def doc(trace_id, seg_id, status, **extra):
            return json.dumps({"name": "boto-service", "id": seg_id, "trace_id": trace_id, "start_time": now, "end_time": now + 0.25,
                               "http": {"request": {"method": "GET", "url": f"http://example/{status}"}, "response": {"status": status}}, **extra})
        put = xray.put_trace_segments(TraceSegmentDocuments=[
            doc(ok_id, "0123456789abcdef", 200, annotations={"tier": "gold"}), doc(fault_id, "fedcba9876543210", 500, fault=True), "{not json"])
        self.assertEqual(len(put["UnprocessedTraceSegments"]), 1)
        window = dict(StartTime=now - 60, EndTime=now + 60)

        def both():
            ids = {s["Id"] for s in xray.get_trace_summaries(**window)["TraceSummaries"]}
            return {ok_id, fault_id} <= ids
        self.assertTrue(eventually(both), "both traces are summarized")
        faults = xray.get_trace_summaries(**window, FilterExpression='service("boto-service") { fault }')["TraceSummaries"]
        self.assertEqual([s["Id"] for s in faults], [fault_id])
        self.assertTrue(faults[0]["HasFault"])
        self.assertEqual(faults[0]["Http"]["HttpStatus"], 500)
        gold = xray.get_trace_summaries(**window, FilterExpression='annotation.tier = "gold"')["TraceSummaries"]
        self.assertEqual([s["Id"] for s in gold], [ok_id])

        traces = xray.batch_get_traces(TraceIds=[ok_id, fault_id])["Traces"]
        self.assertEqual(sorted(t["Id"] for t in traces), sorted([ok_id, fault_id]))
        ok_doc = json.loads(next(t for t in traces if t["Id"] == ok_id)["Segments"][0]["Document"])
        self.assertEqual((ok_doc["name"], ok_doc["annotations"]["tier"]), ("boto-service", "gold"))
        graph = xray.get_service_graph(**window)["Services"]
        self.assertTrue(any(s["Name"] == "boto-service" and s["Type"] == "client" for s in graph), [(s["Name"], s["Type"]) for s in graph])
        tg = xray.get_trace_graph(TraceIds=[fault_id])["Services"]
        self.assertEqual(sorted(s["Name"] for s in tg), ["boto-service", "boto-service"])
        with self.assertRaises(xray.exceptions.InvalidRequestException):
            xray.get_trace_summaries(StartTime=now, EndTime=now - 10)

    def test_xray_lambda_invocation_is_summarized_and_graphed(self):
        lam, xray = self.client("lambda"), self.client("xray")
        out = lam.invoke(FunctionName="sns_subscribe", Payload=json.dumps({"Records": [{"Sns": {"Message": "boto"}}]}))
        self.assertEqual(out["StatusCode"], 200)
        start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=10)
        end = start + datetime.timedelta(minutes=11)
        summaries = eventually(lambda: xray.get_trace_summaries(StartTime=start, EndTime=end, FilterExpression='service("sns_subscribe")')["TraceSummaries"])
        self.assertTrue(summaries, "the invocation above started a trace")
        graph = xray.get_service_graph(StartTime=start, EndTime=end)["Services"]
        self.assertTrue(any(s["Name"] == "sns_subscribe" and s["Type"] == "AWS::Lambda::Function" for s in graph))

    def test_xray_groups_and_sampling(self):
        xray = self.client("xray")
        created = xray.create_group(GroupName="boto-errors", FilterExpression="fault")["Group"]
        self.assertRegex(created["GroupARN"], r"^arn:aws:xray:us-east-1:000000000000:group/boto-errors/")
        self.assertEqual(created["FilterExpression"], "fault")
        self.assertEqual(xray.get_group(GroupARN=created["GroupARN"])["Group"]["GroupName"], "boto-errors")
        self.assertEqual(xray.update_group(GroupName="boto-errors", FilterExpression="error OR fault")["Group"]["FilterExpression"], "error OR fault")
        self.assertEqual(xray.get_group(GroupName="boto-errors")["Group"]["FilterExpression"], "error OR fault")
        self.assertEqual(sorted(g["GroupName"] for g in xray.get_groups()["Groups"]), ["Default", "boto-errors"])
        with self.assertRaises(xray.exceptions.InvalidRequestException):
            xray.create_group(GroupName="boto-errors")
        xray.delete_group(GroupName="boto-errors")
        with self.assertRaises(xray.exceptions.InvalidRequestException):
            xray.get_group(GroupName="boto-errors")
        self.assertEqual([g["GroupName"] for g in xray.get_groups()["Groups"]], ["Default"])

        rules = xray.get_sampling_rules()["SamplingRuleRecords"]
        self.assertEqual((rules[-1]["SamplingRule"]["RuleName"], rules[-1]["SamplingRule"]["FixedRate"]), ("Default", 1.0))
        xray.create_sampling_rule(SamplingRule={
            "RuleName": "boto-api", "ResourceARN": "*", "Priority": 1, "FixedRate": 0.25, "ReservoirSize": 3, "ServiceName": "*",
            "ServiceType": "*", "Host": "*", "HTTPMethod": "*", "URLPath": "/api/*", "Version": 1})
        self.assertEqual([r["SamplingRule"]["RuleName"] for r in xray.get_sampling_rules()["SamplingRuleRecords"]], ["boto-api", "Default"])
        now = datetime.datetime.now(datetime.timezone.utc)
        targets = xray.get_sampling_targets(SamplingStatisticsDocuments=[
            {"RuleName": "boto-api", "ClientID": "0123456789abcdef01234567", "Timestamp": now, "RequestCount": 5, "SampledCount": 2},
            {"RuleName": "Default", "ClientID": "0123456789abcdef01234567", "Timestamp": now, "RequestCount": 1, "SampledCount": 1}])
        by_rule = {d["RuleName"]: d for d in targets["SamplingTargetDocuments"]}
        self.assertEqual((by_rule["boto-api"]["FixedRate"], by_rule["boto-api"]["ReservoirQuota"]), (0.25, 3))
        self.assertEqual(by_rule["Default"]["FixedRate"], 1.0)
        self.assertEqual(targets["UnprocessedStatistics"], [])
        xray.delete_sampling_rule(RuleName="boto-api")
        self.assertEqual(len(xray.get_sampling_rules()["SamplingRuleRecords"]), 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
