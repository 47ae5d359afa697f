"""The extraction benchmark, one module per thing it measures; run it with
`python -m benchmarks.extraction` from the repository's root (`--help`).

model.py       the three-branch model and the two commands that extract its branches
per_batch.py   (a)-(d): each way per batch in this process, and outputs left on the device
memory.py      the program's peak memory on two dataset sizes (streaming stays bounded)
end_to_end.py  (e), (f): the program against plain predict, Ray against local, in fresh processes
report.py      the report and the generated tables of docs/benchmarks.md
extraction.py  runs them all and saves the results (results/*.json)
"""
