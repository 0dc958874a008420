"""The Spend Insights tab: pick a company, generate its spend analysis, read it as
charts and tables, download it as the Excel workbook.

The page shows the latest *stored* report (the dict ``domain.spend.analyse_spend``
returned when it was generated), not a fresh computation, for two reasons: a stored
report is what the API serves (its supplier analysis, payment methods and bundle), so
the page and the API cannot disagree; and reading it is one row, where reading and
analysing a company's payables costs more than a page may take (about 0.15 s for the
sandbox's 1,200 bills, growing with the books). "Generate report" stores a new one the
way ``POST /companies/{id}/reports/spendAnalysis`` does.
"""
