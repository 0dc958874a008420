"""A stored spend analysis as the page shows it: formatted figures, the sentences that
explain them, and the charts. Pure: the report dict in, display values out; the raw
numbers stay in the report and go to the page's ``data-value`` attributes unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from ledgerport.portal import charts

# The Herfindahl-Hirschman index bands the analysis documents (domain/spend/suppliers.py,
# as in the 2010 US horizontal merger guidelines): below 1,500 unconcentrated,
# 1,500-2,500 moderately, above 2,500 highly concentrated.
HHI_MODERATE = 1500
HHI_HIGH = 2500
LISTED_BILLS = 25  # overdue/upcoming bills listed on the page; the workbook has all
NONE = "\u2013"  # an en dash where a figure has no value


def money(value: float | None) -> str:
    return NONE if value is None else f"{value:,.2f}"


def percent(value: float | None) -> str:
    return NONE if value is None else f"{value:.2f}%"


def number(value: float | None) -> str:
    return NONE if value is None else f"{value:,.0f}"


def number1(value: float | None) -> str:
    return NONE if value is None else f"{value:,.1f}"


def count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


# How the data types a report reads are named in sentences.
DATA_TYPE_NAMES = {
    "bills": "bills",
    "billPayments": "bill payments",
    "suppliers": "suppliers",
    "billCreditNotes": "bill credit notes",
    "chartOfAccounts": "chart of accounts",
    "paymentMethods": "payment methods",
    "directCosts": "direct costs",
    "company": "company info",
}


def data_type_names(data_types: list[str]) -> str:
    return ", ".join(DATA_TYPE_NAMES.get(t, t) for t in data_types)


def day(iso: str | None) -> str:
    """``2026-12-03`` as ``3 Dec 2026``."""
    if not iso:
        return NONE
    parsed = date.fromisoformat(iso[:10])
    return f"{parsed.day} {parsed:%b %Y}"


def month_name(label: str) -> str:
    """``2026-01`` as ``Jan 2026``."""
    return f"{date.fromisoformat(label + '-01'):%b %Y}"


def hhi_words(hhi: float, suppliers: int) -> str:
    if suppliers == 0:
        return "No supplier billed in the period, so there is nothing to measure."
    if hhi < HHI_MODERATE:
        band = "unconcentrated: spend is spread across many suppliers"
    elif hhi <= HHI_HIGH:
        band = "moderately concentrated: a few suppliers take a large part of spend"
    else:
        band = "highly concentrated: spend depends on very few suppliers"
    equivalent = 10000 / hhi if hhi > 0 else 0.0
    return (
        f"The Herfindahl-Hirschman index is the sum of every supplier's squared percentage "
        f"share of spend, from near 0 (many small suppliers) to 10,000 (a single supplier). "
        f"At {hhi:,.0f} it reads as {band}. That is as concentrated as spend split evenly "
        f"between {equivalent:,.1f} suppliers."
    )


def trend_words(trend: float, average: float, currency: str) -> str:
    if average == 0 and trend == 0:
        return "No spend in the period."
    share = abs(trend) / abs(average) * 100 if average else 0.0
    if share < 1:
        return f"Monthly spend is flat (trend {currency} {money(trend)} a month)."
    direction = "rising" if trend > 0 else "falling"
    return (
        f"Monthly spend is {direction} by about {currency} {money(abs(trend))} a month "
        f"({share:.1f}% of the average month), by a least-squares line through the months."
    )


def dpo_words(dpo: float | None) -> str:
    if dpo is None:
        return "Nothing was billed in the period, so days payable outstanding is not defined."
    return (
        f"What is owed now equals {dpo:,.1f} days of the period's billing: on average a "
        "bill stays unpaid about that long."
    )


@dataclass(frozen=True)
class Charts:
    monthly: Markup
    suppliers: Markup
    categories: Markup
    ageing: Markup


def build_charts(report: Mapping[str, Any]) -> Charts:
    currency = report["currencies"]["baseCurrency"] or ""
    spend = report["spend"]
    months = [(month_name(m["month"]), float(m["netAmount"])) for m in spend["months"]]
    top = report["suppliers"]["top"]
    categories = report["categories"]["byCategory"]
    ageing = report["paymentBehaviour"]["overdue"]["ageing"]
    return Charts(
        monthly=charts.column_chart(
            months,
            chart_id="chart-monthly-spend",
            title=f"Net spend by month ({currency})",
            description=(
                f"Bars: net spend of each of the {len(months)} months; dashed line: the "
                "trend. The figures are in the table Net spend by month."
            ),
            trend_per_point=float(spend["trendPerMonth"]),
            format_value=money,
        ),
        suppliers=charts.bar_chart(
            [
                (s["supplierName"] or s["supplierId"] or "No supplier", s["billedAmount"])
                for s in top
            ],
            chart_id="chart-top-suppliers",
            title=f"Top {len(top)} suppliers by billed spend ({currency})",
            description="One bar per supplier. The figures are in the table Top suppliers.",
            format_value=money,
        ),
        categories=charts.bar_chart(
            [(c["category"], c["amount"]) for c in categories],
            chart_id="chart-categories",
            title=f"Spend by category ({currency})",
            description="One bar per category. The figures are in the table Spend by category.",
            format_value=money,
        ),
        ageing=charts.stacked_bar(
            [(f"{a['daysPastDue']} days", a["amount"]) for a in ageing],
            chart_id="chart-overdue-ageing",
            title=f"Overdue amount by days past due ({currency})",
            description=(
                "One bar split by how long bills have been overdue. The figures are in the "
                "table Overdue ageing."
            ),
            format_value=money,
        ),
    )


def record_link(template: str | None, record_id: str) -> str | None:
    """A bill's page from a path template ending in ``{id}``, or None without one."""
    if template is None:
        return None
    return template.replace("{id}", quote(record_id, safe=""))


def formatters() -> Mapping[str, Callable[..., str]]:
    return {
        "money": money,
        "percent": percent,
        "number": number,
        "number1": number1,
        "count": count,
        "day": day,
        "month_name": month_name,
    }
