"""Parquet files into a DataFrame (pyarrow, imported when a Parquet file is read)."""

from __future__ import annotations

import pandas as pd

from core.data.ingest.columns import cap_rows
from core.data.ingest.messages import HINT_PARQUET, MSG_PARQUET_UNREADABLE, IngestError
from core.data.ingest.source import Detected, ReadOptions, _Sniff, _Source


def _read_parquet(
    src: _Source, sniff: _Sniff, options: ReadOptions
) -> tuple[pd.DataFrame, Detected, list[str]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        handle = src.path if src.path is not None else pa.BufferReader(src.data)
        parquet = pq.ParquetFile(handle)
        if options.max_rows is None:
            table = parquet.read()
        else:
            batches, wanted = [], options.max_rows + 1
            for batch in parquet.iter_batches(batch_size=min(wanted, 65_536)):
                batches.append(batch)
                wanted -= batch.num_rows
                if wanted <= 0:
                    break
            table = pa.Table.from_batches(batches, schema=parquet.schema_arrow)
        frame = table.to_pandas()
    except (pa.ArrowException, OSError, ValueError, TypeError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise IngestError(
            MSG_PARQUET_UNREADABLE.format(name=src.name, reason=reason),
            field="file",
            hint=HINT_PARQUET,
        ) from None
    frame, notes = cap_rows(frame, options.max_rows)
    return frame, sniff.detected, notes


# -- Excel -----------------------------------------------------------------------------
