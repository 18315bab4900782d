"""The praisonai_svc module as a handler author uses it (run by test/python-module.test.ts)."""

import threading
import time
import unittest

from pydantic import BaseModel

from praisonai_svc import JobContext, NonRetriableError, ServiceApp
from praisonai_svc._protocol import MAX_TEXT, cut
from praisonai_svc._throttle import ProgressThrottle
from praisonai_svc.result import ResultTypeError, to_job_file


class Deck(BaseModel):
    title: str


def ctx() -> JobContext:
    return JobContext(job_id="j1", attempt=2)


class JobRegistration(unittest.TestCase):
    def test_plain_decorator_registers_an_untyped_handler(self):
        app = ServiceApp("S")

        @app.job
        def handle(payload: dict):
            return b"x", "text/plain", "x.txt"

        self.assertIs(app.definition.func, handle)
        self.assertIsNone(app.definition.json_schema())
        self.assertEqual(app.definition.call({"a": 1}, ctx()), (b"x", "text/plain", "x.txt"))

    def test_a_pydantic_annotation_becomes_the_schema_and_the_handler_gets_a_model(self):
        app = ServiceApp("S")

        @app.job(content_type="text/plain", filename="t.txt")
        def handle(deck: Deck, context):
            return f"{type(deck).__name__}:{deck.title}:{context.job_id}:{context.attempt}"

        self.assertEqual(app.definition.json_schema()["required"], ["title"])
        self.assertEqual(app.definition.call({"title": "T"}, ctx()).data, b"Deck:T:j1:2")

    def test_schema_option_overrides_the_annotation(self):
        app = ServiceApp("S")
        app.job(schema=Deck, content_type="a/b", filename="f")(lambda payload: "ok")
        self.assertEqual(app.definition.json_schema()["title"], "Deck")

    def test_untyped_payloads_may_be_dict_any_or_unannotated(self):
        from typing import Any, Dict, Mapping

        for annotation in (dict, Dict[str, Any], dict[str, Any], Mapping[str, Any], Any):
            app = ServiceApp("S")

            def handle(payload, _a=annotation):
                return b"x", "t/p", "f"

            handle.__annotations__ = {"payload": annotation}
            app.job(handle)
            self.assertIsNone(app.definition.json_schema())

    def test_another_annotation_says_to_use_dict_or_a_pydantic_model(self):
        from dataclasses import dataclass

        @dataclass
        class Order:
            item: str

        app = ServiceApp("S")
        with self.assertRaisesRegex(TypeError, r"annotated as 'Order': annotate it with dict \(untyped\) or a Pydantic v2 model"):

            @app.job
            def handle(payload: Order):
                return b""

    def test_schema_option_must_be_a_pydantic_model(self):
        app = ServiceApp("S")
        with self.assertRaisesRegex(TypeError, r"takes a Pydantic v2 model class"):
            app.job(schema=dict)(lambda payload: "ok")

    def test_one_handler_per_app(self):
        app = ServiceApp("S")
        app.job(lambda p: b"")
        with self.assertRaisesRegex(TypeError, "already has a job handler"):
            app.job(lambda p: b"")

    def test_an_app_without_a_job_says_what_to_do(self):
        with self.assertRaisesRegex(TypeError, r"decorate a function with @app.job"):
            ServiceApp("S").definition

    def test_async_handlers_are_awaited(self):
        app = ServiceApp("S")

        @app.job
        async def handle(payload):
            return {"data": "é", "content_type": "text/plain", "filename": "a.txt"}

        self.assertEqual(app.definition.call({}, ctx()).data, "é".encode())

    def test_non_retriable_error_is_an_exception(self):
        self.assertTrue(issubclass(NonRetriableError, Exception))


class Results(unittest.TestCase):
    def test_accepts_tuple_dict_and_bytes_with_defaults(self):
        self.assertEqual(to_job_file((b"a", "t/p", "f"), None, None), (b"a", "t/p", "f"))
        self.assertEqual(to_job_file(["a", "t/p", "f"], None, None), (b"a", "t/p", "f"))
        self.assertEqual(to_job_file({"data": bytearray(b"a")}, "t/p", "f"), (b"a", "t/p", "f"))
        self.assertEqual(to_job_file(memoryview(b"a"), "t/p", "f"), (b"a", "t/p", "f"))

    def test_names_what_was_wrong(self):
        with self.assertRaisesRegex(TypeError, r"returned NoneType None; expected \(bytes"):
            to_job_file(None, None, None)
        with self.assertRaisesRegex(TypeError, r"returned bytes without a content type and filename"):
            to_job_file(b"a", None, None)
        with self.assertRaisesRegex(TypeError, r"result data is int 3; expected bytes or str"):
            to_job_file((3, "t/p", "f"), None, None)
        with self.assertRaisesRegex(TypeError, r"result filename is str ''; expected a non-empty str"):
            to_job_file((b"a", "t/p", ""), None, None)

    def test_a_wrong_result_is_a_result_type_error_shown_briefly(self):
        with self.assertRaises(ResultTypeError) as caught:
            to_job_file(list(range(1_000_000)), None, None)
        self.assertIsInstance(caught.exception, TypeError)
        self.assertLess(len(str(caught.exception)), 400)
        with self.assertRaisesRegex(ResultTypeError, r"filename is 5000 characters long; expected at most 1000"):
            to_job_file((b"a", "t/p", "f" * 5000), None, None)


class Texts(unittest.TestCase):
    def test_cut_keeps_short_texts_and_notes_the_length_of_long_ones(self):
        self.assertEqual(cut("short"), "short")
        long = cut("x" * 1_000_000)
        self.assertEqual(len(long), MAX_TEXT)
        self.assertTrue(long.endswith("(cut: 1000000 characters in all)"))


class Throttle(unittest.TestCase):
    def make(self, interval=0.2):
        sent = []
        arrived = threading.Event()

        def send(fraction, message):
            sent.append((fraction, message, time.monotonic()))
            arrived.set()

        return ProgressThrottle(send, interval), sent, arrived

    def test_sends_the_first_report_at_once_and_the_last_at_flush(self):
        throttle, sent, _ = self.make()
        for i in range(1000):
            throttle.report(i / 1000, None)
        throttle.report(1.0, "done")
        self.assertEqual([s[:2] for s in sent], [(0.0, None)])
        throttle.flush()
        self.assertEqual([s[:2] for s in sent], [(0.0, None), (1.0, "done")])
        throttle.report(0.5, "after the end")  # a thread of a finished job
        time.sleep(0.3)
        self.assertEqual(len(sent), 2)

    def test_a_timer_sends_the_report_held_back_when_the_interval_is_over(self):
        throttle, sent, arrived = self.make()
        started = time.monotonic()
        throttle.report(0.1, None)
        arrived.clear()
        throttle.report(0.2, None)
        self.assertTrue(arrived.wait(2))
        self.assertEqual([s[:2] for s in sent], [(0.1, None), (0.2, None)])
        self.assertGreaterEqual(sent[1][2] - started, 0.19)
        throttle.flush()
        self.assertEqual(len(sent), 2)  # nothing left to send


if __name__ == "__main__":
    unittest.main()
