from .cli import main

main(prog_name="mkdocs-recipes")
