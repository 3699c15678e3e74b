"""The teacher's start-of-year kit from Python (docs/rules.md §10), on every engine: a pupil of
5A who used 3H's code is flagged, listed out of division, her participation deleted (audited)
and she joins her own class's campaign with the same account; update_campaign; campaigns
without deleted ones unless asked; learners(search=...); Credentials' school, expiry and
slips_html. The slips printed by a browser are test_slips.py."""

import datetime

import pytest

import inscrire

from conftest import PASSWORD, SCHOOL, UAI

ALLAN = "552340183SS"  # Allan POE, 5A, 01/03/2014


def test_another_class_code_is_flagged_listed_deleted_then_the_own_code_joined(school, campaign):
    other = school.create_campaign(UAI, "Pix 3H", division="3H")
    report = school.match(other.code, "Allan", "POE", "01/03/2014")
    assert report.matched and report.other_division is True
    assert school.match(campaign.code, "Allan", "POE", "01/03/2014").other_division is False
    registration = school.register(other.code, "Allan", "POE", "01/03/2014", PASSWORD)
    assert registration.other_division is True

    listed = school.campaign_participants(other.code)
    flagged = [row for row in listed if row.out_of_division]
    assert [(row.username, row.division) for row in flagged] == [(registration.username, "5A")]
    assert listed[-1] == flagged[0]
    assert not any(row.out_of_division for row in listed[:-1])
    own = [row for row in school.campaign_participants(campaign.code)
           if row.username == registration.username]
    assert own[0].status is inscrire.ParticipationStatus.NOT_JOINED

    school.delete_participation(other.code, ALLAN)
    assert not any(row.out_of_division for row in school.campaign_participants(other.code))
    with pytest.raises(inscrire.NotFound) as refused:
        school.delete_participation(other.code, ALLAN)
    assert refused.value.code == "PARTICIPATION_NOT_FOUND"
    with pytest.raises(inscrire.NotFound) as refused:
        school.delete_participation(other.code, "999999999ZZ")
    assert refused.value.code == "LEARNER_NOT_FOUND"
    assert [row.action for row in school.audit_log(UAI, action="delete_participation")] == [
        "delete_participation"]

    session = school.login(registration.username, PASSWORD).session_token
    assert session is not None
    joined = school.join_campaign(session, campaign.code)
    assert joined.username == registration.username and joined.other_division is False
    own = [row for row in school.campaign_participants(campaign.code)
           if row.username == registration.username]
    assert own[0].status is inscrire.ParticipationStatus.STARTED
    assert own[0].out_of_division is False


def test_rename_keeps_the_code_and_deleted_campaigns_only_when_asked(school, campaign):
    renamed = school.update_campaign(campaign.code, name="Pix 5A (rentrée)")
    assert (renamed.code, renamed.name) == (campaign.code, "Pix 5A (rentrée)")
    assert "Pix 5A (rentrée)" in school.class_sheet(campaign.code)
    assert school.update_campaign(campaign.code).name == "Pix 5A (rentrée)"
    with pytest.raises(inscrire.InvalidInput) as refused:
        school.update_campaign(campaign.code, name="a" * 201)
    assert refused.value.code == "FIELD_TOO_LONG"
    with pytest.raises(inscrire.InvalidInput) as refused:
        school.update_campaign(campaign.code, name="Maths\x1b[31m")
    assert refused.value.code == "INVALID_VALUE"
    with pytest.raises(TypeError):
        school.update_campaign(campaign.code, name=5)  # type: ignore[arg-type]

    spare = school.create_campaign(UAI, "Spare")
    school.delete_campaign(spare.code)
    assert [c.code for c in school.campaigns(UAI)] == [campaign.code]
    every = school.campaigns(UAI, include_deleted=True)
    assert [c.code for c in every] == [campaign.code, spare.code]
    assert every[1].status == "deleted"


@pytest.mark.parametrize("text", ["poe allan", "ALLAN POË", "allan po", ALLAN, " 552340183ss "])
def test_search_finds_a_pupil_as_typed(school, text):
    assert [row.ine for row in school.learners(UAI, search=text)] == [ALLAN]


def test_search_with_filters_paging_username_and_refusals(school, campaign):
    username = school.register(campaign.code, "Allan", "POE", "01/03/2014", PASSWORD).username
    assert [row.ine for row in school.learners(UAI, search=username)] == [ALLAN]
    assert [row.ine for row in school.learners(UAI, search="allan", state="active")] == [ALLAN]
    assert school.learners(UAI, "3H", search="allan poe") == []
    poe = school.learners(UAI, search="poe")
    assert len(poe) >= 2
    assert school.learners(UAI, search="poe", limit=1, offset=1) == poe[1:2]
    with pytest.raises(inscrire.InvalidInput) as refused:
        school.learners(UAI, search="a" * 101)
    assert refused.value.code == "FIELD_TOO_LONG"
    with pytest.raises(TypeError):
        school.learners(UAI, search=3)  # type: ignore[arg-type]


def test_credentials_carry_the_school_and_make_slips(school, campaign):
    username = school.register(campaign.code, "Allan", "POE", "01/03/2014", PASSWORD).username
    before = datetime.datetime.now(datetime.timezone.utc)
    credentials = school.generate_credentials(UAI, "5A")
    assert (credentials.uai, credentials.school) == (UAI, SCHOOL)
    expires = credentials.temporary_expires_at
    assert expires is not None and expires > before + datetime.timedelta(days=1)
    html = credentials.slips_html("https://inscrire.example.fr/")
    assert SCHOOL in html and 'href="https://inscrire.example.fr"' in html
    for row in credentials:
        assert row.username in html
        if row.username == username:
            assert row.temporary_password is None
        else:
            assert row.temporary_password and row.temporary_password in html
    assert credentials.slips_html(per_page=1) != html
    for bad in (3, 0):
        with pytest.raises(inscrire.InvalidInput):
            credentials.slips_html(per_page=bad)
    with pytest.raises(inscrire.InvalidInput):
        credentials.slips_html("javascript:alert(1)")
    with pytest.raises(TypeError):
        credentials.slips_html(per_page=True)

    # A generation that drew no password has no expiry.
    again = school.generate_credentials(UAI, "5A")
    assert again.report.created == 0 and again.temporary_expires_at is None
    assert SCHOOL in again.slips_html()
