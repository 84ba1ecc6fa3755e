# The two commands: `make run` (the service with demo data on SQLite) and `make test` (everything).
.PHONY: run test setup lint bench

setup:
	@scripts/setup --with-browser

run:
	@scripts/setup
	.venv/bin/brightline serve --demo

test:
	@scripts/setup --with-browser
	.venv/bin/ruff check src tests benchmarks packs
	.venv/bin/mypy --strict src/brightline/rules src/brightline/ledger
	.venv/bin/python -m pytest -n 2 --dist loadgroup

bench:
	@scripts/setup
	.venv/bin/python -m pip install --quiet -e ".[dev,bench]"
	for b in benchmarks/bench_*.py; do .venv/bin/python $$b; done
