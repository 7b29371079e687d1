"""The socket guard in conftest.py must refuse non-loopback connections and allow loopback."""

import socket
import threading

import pytest


def test_non_loopback_connect_is_refused(network_blocked_error):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(network_blocked_error, match="93.184.216.34"):
            s.connect(("93.184.216.34", 80))
    finally:
        s.close()


def test_dns_lookup_of_remote_host_is_refused(network_blocked_error):
    with pytest.raises(network_blocked_error, match="pxdata.stat.fi"):
        socket.getaddrinfo("pxdata.stat.fi", 443)


def test_requests_to_remote_host_fail_fast(network_blocked_error):
    import requests

    with pytest.raises(Exception) as info:
        requests.get("https://sotkanet.fi/rest/1.1/regions", timeout=2)
    # requests wraps the guard's error; the message must still name the cause
    assert "loopback" in str(info.value) or isinstance(info.value, network_blocked_error)


def test_loopback_is_allowed():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    t = threading.Thread(target=lambda: server.accept()[0].close(), daemon=True)
    t.start()
    client = socket.create_connection(("127.0.0.1", port), timeout=2)
    client.close()
    t.join(2)
    server.close()
