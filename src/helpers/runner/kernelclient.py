"""The runner's kernel client: jupyter_client's ``AsyncKernelClient`` with a readiness check
that ends when the kernel has answered, not 0.2 s later.

nbclient waits for a kernel with ``kc.wait_for_ready()``. jupyter_client's version sends
``kernel_info_request`` until a reply comes and one IOPub message shows that IOPub is
connected, and then "flushes" IOPub: it reads until no message has come for 0.2 s. Those
0.2 s are spent on every kernel, however ready it is, with the worker and the kernel both
idle — about a tenth of a municipal profile's run at ``-j 2`` (issue 14).

:meth:`RunnerKernelClient.wait_for_ready` sends the same requests and stops as soon as the
IOPub status ``idle`` of the answered request has arrived. A kernel publishes ``busy``, then
replies, then publishes ``idle`` for every request, in order on one socket, so by then IOPub
is connected and everything the kernel published before is read — what the flush was for —
and the kernel publishes nothing unasked. When that status does not come (IOPub not yet
subscribed: a message published before it is lost), the request is sent again, as
jupyter_client does. Nothing the notebook runs changes: nbclient then executes the cells as
before, and keeps only the messages of each cell's own request.
"""

from __future__ import annotations

import time
from queue import Empty
from typing import Any

#: how long to wait for the answered request's ``idle`` status before asking again (a kernel
#: publishes it right after its reply; a lost one means IOPub was not yet subscribed) — the
#: 0.2 s jupyter_client gives its "IOPub is connected" check
IDLE_WAIT_S = 0.2
#: how long to wait for a reply before asking again (jupyter_client's)
REPLY_WAIT_S = 1.0

_CLIENT_CLASS = None


def client_class():
    """``RunnerKernelClient``, an ``AsyncKernelClient`` (created on first use: importing
    this module does not import jupyter_client)."""
    global _CLIENT_CLASS
    if _CLIENT_CLASS is None:
        from jupyter_client.asynchronous import AsyncKernelClient

        class RunnerKernelClient(AsyncKernelClient):
            async def wait_for_ready(self, timeout: float | None = None) -> None:
                """Return once the kernel has answered ``kernel_info`` on shell and IOPub
                (see the module docstring); RuntimeError if it dies or ``timeout`` passes."""
                deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
                while True:
                    self.kernel_info()
                    try:
                        reply = await self.get_shell_msg(timeout=REPLY_WAIT_S)
                    except Empty:
                        reply = None
                    if reply is not None and reply.get("msg_type") == "kernel_info_reply":
                        if await _idle_status(self, reply["parent_header"].get("msg_id"), IDLE_WAIT_S):
                            self._handle_kernel_info_reply(reply)
                            return
                    if not await self.is_alive():
                        raise RuntimeError("Kernel died before replying to kernel_info")
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

        _CLIENT_CLASS = RunnerKernelClient
    return _CLIENT_CLASS


async def _idle_status(kc: Any, msg_id: str | None, wait_s: float) -> bool:
    """Read IOPub until the ``idle`` status of request ``msg_id``: True, or False when no
    message has come for ``wait_s`` seconds."""
    while True:
        try:
            msg = await kc.get_iopub_msg(timeout=wait_s)
        except Empty:
            return False
        if (msg.get("msg_type") == "status" and msg.get("content", {}).get("execution_state") == "idle"
                and msg.get("parent_header", {}).get("msg_id") == msg_id):
            return True
