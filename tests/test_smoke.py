from tests.telegram import texts


async def test_start_shows_greeting_and_consent(running):
    anna = running.person()
    said = texts(await anna.send("/start"))
    assert any("наставничества" in t for t in said)
    assert any("Согласие" in t for t in said)
