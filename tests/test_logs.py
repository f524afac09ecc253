from __future__ import annotations

import json
import logging

from privet.logs import JsonFormatter


def test_a_log_line_is_one_json_object_with_the_extra_fields() -> None:
    record = logging.makeLogRecord(
        {"msg": "request", "levelname": "INFO", "name": "privet.access", "status": 200,
         "color_message": "\x1b[36mrequest\x1b[0m"}
    )  # fmt: skip
    entry = json.loads(JsonFormatter().format(record))
    assert entry["event"] == "request" and entry["status"] == 200
    assert "color_message" not in entry
