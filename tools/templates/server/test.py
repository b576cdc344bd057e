"""The NAME server and its client (made by `make new-app SERVER=1`).
Run: make test T=test_NAME"""
from conftest import has_line

SYSTEM = '''
[[app]]
name = "NAME"

[[app]]
name = "NAME_client"

[[app]]
name = "second_client"
app = "NAME_client"
[app.config]
words = "a second client"
'''


def test_NAME_answers_its_clients(boot):
    result = boot(SYSTEM, until='A SECOND CLIENT', linger=1, timeout=30)
    assert has_line(result.output, '[NAME] ready')
    assert has_line(result.output, '[NAME_client] the server says: HELLO')
    assert has_line(result.output, '[second_client] the server says: A SECOND CLIENT')
