"""A site's recipe state, whichever front end runs it: one page analysed (`analysis`), one
build's engine shared by the plugin and the pluglet (`engine`), the site's recipe pages
and resolver settings (`project`), charts fetched before pages (`prefetch`), `check`'s
result cache (`check_cache`), and which site engine a site is built with (`engines`).

Framework-free apart from what a site engine hands in: nothing here imports the MkDocs
plugin or the pluglet. May use: `checks`, `flux`, `recipe`, `charts`, `pages`, `report`,
`base`.
"""
