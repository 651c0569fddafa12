"""The ground floor: what every layer may use, knowing nothing of recipes, pages or charts.

Text from pages, charts and servers made safe to show (`plain_text`); YAML and JSON Schemas
from third parties handled within bounds (`yaml_limits`, `schema_guard`); a user's files
read as data and written without following a link or overwriting their edits
(`regular_files`, `writing`); the record of what a run read (`inputs`); Kubernetes naming
rules (`kubernetes`); did-you-mean within a budget (`suggest`).

May use: nothing else in the package.
"""
