"""``python -m spacy_medner.spark_job IN OUT ...``: the Spark de-identification job (see :mod:`.cli.spark_job`)."""
from .cli.spark_job import main

if __name__ == "__main__":
    main()
