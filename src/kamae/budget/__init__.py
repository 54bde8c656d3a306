"""Money and force: budget paths from GDP and share of GDP (each naming its definition), the
Defense Buildup Program, procurement (costs, lags, production limits, programme ceilings) and
the chain from yen to stocks with the binding constraint, and trade studies of where money
buys the most defense (analytic search, Monte Carlo confirmation). See docs/budget.md."""

from kamae.budget.chain import (
    ProcurementChain,
    ProgrammeYear,
    chain_from_money,
    compare_chains,
    procurement_chain,
)
from kamae.budget.paths import BudgetPath, BudgetYear, GdpPath, SharePath, budget_path, share_path
from kamae.budget.procurement import (
    Force,
    Order,
    Placement,
    deliveries,
    force_for_year,
    orders_from_budget,
    procurement_catalog,
)
from kamae.budget.series import shipped_budget_data
from kamae.budget.trade import TradeResult, parse_budget, trade_study

__all__ = [
    "BudgetPath",
    "BudgetYear",
    "Force",
    "GdpPath",
    "Order",
    "Placement",
    "ProcurementChain",
    "ProgrammeYear",
    "SharePath",
    "TradeResult",
    "budget_path",
    "chain_from_money",
    "compare_chains",
    "deliveries",
    "force_for_year",
    "orders_from_budget",
    "parse_budget",
    "procurement_catalog",
    "procurement_chain",
    "share_path",
    "shipped_budget_data",
    "trade_study",
]
