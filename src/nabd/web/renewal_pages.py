"""The renewals page: renewals in the next 30/60/90 days (a CSM's own; everyone's for admins and viewers),
the forecast of renewing MRR and, for the last quarters, the forecast against what renewed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from nabd.config import load_settings
from nabd.store.calendar import today
from nabd.web.pages import MAX_PAGE, _query, render
from nabd.web.read.bands import band_table
from nabd.web.read.portfolio import filter_choices
from nabd.web.read.renewals import renewals
from nabd.web.security import page_guard

router = APIRouter(include_in_schema=False, dependencies=[Depends(page_guard)])
ROWS_PER_PAGE = 50
EVERYONE = "*"


@router.get("/renewals")
async def renewals_page(
    request: Request,
    within: Annotated[int, Query(ge=1, le=90)] = 90,
    csm: Annotated[str | None, Query(max_length=200)] = None,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> HTMLResponse:
    user = request.state.user
    shown_csm = user.login if user.role == "csm" else (csm or EVERYONE)
    currency = load_settings().reporting_currency

    def read(store):
        found = renewals(store, today(), csm=None if shown_csm == EVERYONE else shown_csm, within=within,
                         limit=ROWS_PER_PAGE, offset=(page - 1) * ROWS_PER_PAGE, currency=currency)
        return found, filter_choices(store)["csm"], band_table(store, None)

    found, csms, bands = await _query(request, read)
    return render(
        request, "renewals.html", active="renewals", renewals=found, within=within, csm=shown_csm, csms=csms,
        everyone=EVERYONE, bands=bands, currency=currency, page=page,
        pages=max(1, -(-found.total // ROWS_PER_PAGE)),
        page_url=lambda number: str(request.url.include_query_params(page=number)),
    )
