"""The runner's kernels start and stop without jupyter_client's fixed waits: a kernel is ready
when it has answered, without 0.2 s of IOPub silence (helpers.runner.kernelclient) — and what
that silence was for still holds; a killed kernel is reaped as soon as it is gone, not at the
next 0.1 s poll (helpers.runner.kernelfork's manager).

The first tests use a real kernel started by the runner; the last ones a HAND-MADE stand-in
for a kernel's channels (messages written in this file) to reach the cases a healthy local
kernel never shows: a lost IOPub status, a dead kernel.
"""

from __future__ import annotations

import asyncio
import os
from queue import Empty

import pytest
from workbook_runs import probe_job

from helpers import runner
from helpers.runner import kernelclient


@pytest.fixture
def ctx(worker_env):
    context = runner.WorkerContext(0, prewarm=False, fork=False)
    yield context
    context.close()


def test_a_runner_kernel_is_ready_without_waiting_out_a_timeout_and_iopub_is_drained(ctx, tmp_path):
    kernel = ctx.start_kernel(probe_job(tmp_path))
    kc = kernel.km.client()
    assert isinstance(kc, kernelclient.client_class())
    requests, timeouts = [], []
    kernel_info = kc.kernel_info

    def counted_request():
        requests.append(kernel_info())
        return requests[-1]

    kc.kernel_info = counted_request
    kc.start_channels()
    channel = kc.iopub_channel  # every IOPub read, jupyter_client's own wait's too, goes through it
    get_msg = channel.get_msg

    async def counted_read(*args, **kwargs):
        try:
            return await get_msg(*args, **kwargs)
        except Empty:
            timeouts.append(kwargs.get("timeout"))
            raise

    channel.get_msg = counted_read
    get_iopub = kc.get_iopub_msg

    async def scenario():
        await kc.wait_for_ready(timeout=60)
        waited = (len(timeouts), len(requests))
        with pytest.raises(Empty):  # nothing the kernel published before is left for the first cell
            await get_iopub(timeout=0.5)
        msg_id = kc.execute("print(6 * 7)")
        printed = []
        while True:
            msg = await get_iopub(timeout=30)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                printed.append(msg["content"]["text"])
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return waited, printed

    try:
        waited, printed = asyncio.run(scenario())
    finally:
        kc.stop_channels()
        ctx.stop_kernel(kernel)
    # a new kernel may lose the status of a request sent before IOPub was subscribed: every
    # expired read is followed by another request, none by the wait for silence that ends
    # jupyter_client's (one expired 0.2 s read more, always)
    expired, sent = waited
    assert expired == sent - 1
    assert printed == ["42\n"]


def test_a_killed_kernel_is_reaped_at_once_not_at_the_next_tenth_of_a_second(ctx, tmp_path, monkeypatch):
    import asyncio as real_asyncio

    from helpers.runner import kernelfork

    kernel = ctx.start_kernel(probe_job(tmp_path))
    kc = kernel.km.client()
    kc.start_channels()
    asyncio.run(kc.wait_for_ready(timeout=60))
    kc.stop_channels()
    pid = kernel.km.provisioner.pid
    slept = []
    sleep = real_asyncio.sleep

    async def recorded(delay, *args, **kwargs):
        slept.append(delay)
        return await sleep(delay, *args, **kwargs)

    monkeypatch.setattr(kernelfork.asyncio, "sleep", recorded)
    ctx.stop_kernel(kernel)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # gone, and reaped (a zombie would still take the signal)
    # the first poll comes after 1 ms (jupyter_client's own wait sleeps 0.1 s first, always), or
    # none when the kernel is already gone at the first look; the shutdown then sleeps 0.01 s
    # "so tests can capture the state" (jupyter_client's in_pending_state), which may come first
    assert 0.1 not in slept, slept
    assert slept[:1] in ([], [0.001], [0.01]), slept
    assert slept.count(0.01) <= 1, slept  # the shutdown's own, not a poll


class _StandIn:
    """HAND-MADE channels of a kernel: answers kernel_info on shell, publishes busy/idle on
    IOPub; ``lose`` drops the IOPub messages of the first so many requests."""

    def __init__(self, lose: int = 0, alive: bool = True, answer: bool = True):
        self.sent, self.iopub, self.shell = [], [], []
        self.lose, self.alive, self.answer = lose, alive, answer
        self.handled = None

    def install(self, kc) -> None:
        kc.kernel_info = self.kernel_info
        kc.get_shell_msg = self.get_shell_msg
        kc.get_iopub_msg = self.get_iopub_msg
        kc.is_alive = self.is_alive
        kc._handle_kernel_info_reply = lambda msg: setattr(self, "handled", msg["parent_header"]["msg_id"])

    def kernel_info(self) -> str:
        msg_id = f"req-{len(self.sent)}"
        self.sent.append(msg_id)
        if self.answer:
            parent = {"msg_id": msg_id}
            status = [{"msg_type": "status", "content": {"execution_state": s}, "parent_header": parent}
                      for s in ("busy", "idle")]
            if len(self.sent) > self.lose:
                self.iopub += status
            self.shell.append({"msg_type": "kernel_info_reply", "content": {}, "parent_header": parent})
        return msg_id

    async def get_shell_msg(self, timeout=None):
        if not self.shell:
            raise Empty
        return self.shell.pop(0)

    async def get_iopub_msg(self, timeout=None):
        if not self.iopub:
            raise Empty
        return self.iopub.pop(0)

    async def is_alive(self) -> bool:
        return self.alive


def _client(stand_in: _StandIn):
    kc = kernelclient.client_class()()
    stand_in.install(kc)
    return kc


def test_a_lost_iopub_status_means_asking_again_as_jupyter_client_does(monkeypatch):
    monkeypatch.setattr(kernelclient, "IDLE_WAIT_S", 0.01)
    stand_in = _StandIn(lose=2)
    asyncio.run(_client(stand_in).wait_for_ready(timeout=10))
    assert stand_in.sent == ["req-0", "req-1", "req-2"]
    assert stand_in.handled == "req-2"  # the reply whose idle status came is the one taken
    assert stand_in.iopub == []


def test_the_idle_status_of_another_request_does_not_count():
    stand_in = _StandIn()
    stand_in.iopub.append({"msg_type": "status", "content": {"execution_state": "idle"},
                           "parent_header": {"msg_id": "someone-else"}})
    asyncio.run(_client(stand_in).wait_for_ready(timeout=10))
    assert stand_in.sent == ["req-0"] and stand_in.handled == "req-0" and stand_in.iopub == []


def test_a_dead_kernel_and_a_silent_one_raise(monkeypatch):
    monkeypatch.setattr(kernelclient, "REPLY_WAIT_S", 0.01)
    with pytest.raises(RuntimeError, match="died"):
        asyncio.run(_client(_StandIn(alive=False, answer=False)).wait_for_ready(timeout=10))
    with pytest.raises(RuntimeError, match="didn't respond in 0 seconds"):
        asyncio.run(_client(_StandIn(answer=False)).wait_for_ready(timeout=0))
