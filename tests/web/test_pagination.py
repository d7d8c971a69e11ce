"""The shared list pages (market/paging.py) and their GOV.UK pagination (market/web/pagination.py),
and the error summary listing each message once."""

from market.paging import Page, page_of_list, within
from market.web.forms import error_list
from market.web.pagination import page_href, pagination


def test_a_page_knows_its_place_and_stays_within_the_list():
    page = page_of_list(list(range(301)), page=7)
    assert (page.first, page.last, page.total, page.pages) == (301, 301, 301, 7)
    assert page_of_list(list(range(301)), page=99).page == 7
    assert within(0, 0) == 1 and within(5, 0) == 1
    empty = Page(items=[], total=0)
    assert (empty.first, empty.last, empty.pages) == (0, 0, 1)


def test_the_pagination_keeps_the_filters_and_skips_the_middle():
    page = Page(items=list(range(50)), total=301, page=4)
    args = pagination(page, "/admin/users", {"q": "ann", "role": "", "page": "4"})
    numbers = [item.get("number") for item in args["items"]]
    assert numbers == [1, None, 3, 4, 5, None, 7]
    assert args["previous"]["href"] == "/admin/users?q=ann&page=3"
    assert args["next"]["href"] == "/admin/users?q=ann&page=5"
    assert page_href("/admin/users", {"q": "ann"}, 1) == "/admin/users?q=ann"
    assert pagination(Page(items=[1], total=1), "/x") is None


def test_a_message_given_to_two_fields_is_summarised_once():
    wrong = "Enter a correct email address and password"
    assert error_list({"email": wrong, "password": wrong}) == [{"text": wrong, "href": "#email"}]
    assert len(error_list({"a": "One", "b": "Two"})) == 2
