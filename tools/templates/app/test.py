"""NAME: boots it and checks what it logs (made by `make new-app`).
Run: make test T=test_NAME"""
from conftest import apps_system, has_line


def test_NAME_says_hello(boot):
    result = boot(apps_system('NAME'), until='[NAME] ', timeout=30)
    assert has_line(result.output, '[NAME] hello from NAME')


def test_NAME_takes_its_greeting_from_the_system(boot):
    result = boot('[[app]]\nname = "NAME"\n[app.config]\ngreeting = "hi"\n', until='[NAME] ', timeout=30)
    assert has_line(result.output, '[NAME] hi')
