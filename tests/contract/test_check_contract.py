#!/usr/bin/env python3
"""The contract checker catches what it must: each case is one recorded exchange."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_contract as cc  # noqa: E402

# ctest passes the contract the tests use ($RTK_CONTRACT); run by hand, the workspace's copy.
CONTRACT = os.environ.get("RTK_CONTRACT") or os.path.join(
    os.path.dirname(__file__), "..", "..", "..", "shared", "api", "realtimekit-meetings.openapi.json")
APP = "/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/realtime/kit/my-app"
MID = "2245bd5f-bb68-4f68-a2eb-92502318fa4e"
MEETING = {"id": MID, "created_at": "2026-11-21T07:29:35.607Z",
           "updated_at": "2026-11-21T07:29:35.607Z", "title": "T", "status": "ACTIVE"}


def exchange(method, route, path, body=None, status=200, response=None, query=None,
             agent="rtksync/0.1.0", content_type="application/json"):
    return {"method": method, "route": route, "path": APP + path, "query": query or {},
            "content_type": content_type if body is not None else "", "user_agent": agent,
            "request_body": json.dumps(body) if body is not None else "", "outcome": str(status),
            "status": status,
            "response_body": response if response is not None else {"success": True,
                                                                     "data": MEETING}}


class CheckerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(CONTRACT, encoding="utf-8") as f:
            cls.contract = cc.Contract(json.load(f))

    def problems(self, ex):
        item, op = self.contract.operation(ex["method"], ex["route"])
        self.assertIsNotNone(op)
        out = []
        if ex["user_agent"].startswith(cc.CHECKED_CLIENTS):
            out += cc.check_request(self.contract, item, op, ex)
        return out + cc.check_response(self.contract, op, ex)

    def assertCaught(self, ex, fragment):
        found = self.problems(ex)
        self.assertTrue(any(fragment in p for p in found), f"{fragment!r} not in {found}")

    def test_valid_exchanges_pass(self):
        self.assertEqual(self.problems(exchange("POST", "/meetings", "/meetings",
                                                {"title": None, "transcribe_on_end": True},
                                                201)), [])
        self.assertEqual(self.problems(exchange(
            "GET", "/meetings", "/meetings", query={"page_no": "1", "per_page": "100"},
            response={"success": True, "data": [MEETING],
                      "paging": {"total_count": 1, "start_offset": 1, "end_offset": 1}})), [])

    def test_request_body_type_and_enum(self):
        self.assertCaught(exchange("PATCH", "/meetings/{meeting_id}", "/meetings/" + MID,
                                   {"status": "PAUSED"}), "request body status")
        self.assertCaught(exchange("POST", "/meetings", "/meetings", {"title": 5}, 201),
                          "request body title")

    def test_nullability_follows_the_verb(self):
        # title is nullable in the create/replace body, not in the update body.
        self.assertCaught(exchange("PATCH", "/meetings/{meeting_id}", "/meetings/" + MID,
                                   {"title": None}), "request body title")

    def test_read_only_in_request_and_write_only_in_response(self):
        self.assertCaught(exchange("PUT", "/meetings/{meeting_id}", "/meetings/" + MID,
                                   {"recording_config": {"storage_config": {"type": "aws"}}},
                                   response={"success": True, "data": dict(
                                       MEETING, recording_config={"storage_config": {
                                           "type": "aws", "access_key": "AK"}})}),
                          "access_key")

    def test_query_parameters(self):
        self.assertCaught(exchange("GET", "/meetings", "/meetings", query={"status": "PAUSED"},
                                   response={"success": True, "data": [], "paging": {
                                       "total_count": 0, "start_offset": 0, "end_offset": 0}}),
                          "query parameter status")
        self.assertCaught(exchange("GET", "/meetings", "/meetings", query={"bogus": "1"},
                                   response={"success": True, "data": [], "paging": {
                                       "total_count": 0, "start_offset": 0, "end_offset": 0}}),
                          "not in the contract")

    def test_path_parameter_format(self):
        self.assertCaught(exchange("GET", "/meetings/{meeting_id}", "/meetings/not-a-uuid"),
                          "path parameter meeting_id")

    def test_undeclared_success_status_and_error_envelope(self):
        self.assertCaught(exchange("POST", "/meetings", "/meetings", {"title": "x"}, 200),
                          "not a response the operation declares")
        self.assertCaught(exchange("GET", "/meetings/{meeting_id}", "/meetings/" + MID,
                                   status=404, response={"success": False, "error": "nope"}),
                          "HTTP 404")

    def test_missing_required_response_fields(self):
        self.assertCaught(exchange("POST", "/meetings/{meeting_id}/participants/{participant_id}"
                                   "/token", f"/meetings/{MID}/participants/p/token",
                                   response={"success": True}), "data")

    def test_server_chosen_vorbis_is_a_documented_deviation(self):
        vorbis = dict(MEETING, recording_config={"audio_config": {"codec": "vorbis"},
                                                 "video_config": {"codec": "VP8"}})
        self.assertEqual(self.problems(exchange("GET", "/meetings/{meeting_id}",
                                                "/meetings/" + MID,
                                                response={"success": True, "data": vorbis})), [])
        self.assertCaught(exchange("PUT", "/meetings/{meeting_id}", "/meetings/" + MID,
                                   {"recording_config": {"audio_config": {"codec": "vorbis"}}}),
                          "request body recording_config/audio_config/codec")

    def test_other_clients_requests_are_not_checked(self):
        self.assertEqual(self.problems(exchange("PATCH", "/meetings/{meeting_id}",
                                                "/meetings/" + MID, {"status": "PAUSED"},
                                                agent="cpp-httplib/0.11.4")), [])


if __name__ == "__main__":
    unittest.main()
