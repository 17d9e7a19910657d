-- stockpipe schema (DESIGN.md). Rows are written by the Debezium JDBC sink as idempotent upserts.
-- PostgreSQL timestamptz keeps microseconds: the clean topics carry nanoseconds, the tables keep µs.
CREATE SCHEMA IF NOT EXISTS market_data_oltp;

CREATE TABLE IF NOT EXISTS market_data_oltp.stock_trades_realtime (
    symbol       text        NOT NULL,
    trade_id     bigint      NOT NULL,
    exchange     text        NOT NULL,
    trade_date   date        NOT NULL,
    price        numeric     NOT NULL,
    size         bigint      NOT NULL,
    conditions   text[]      NOT NULL DEFAULT '{}',
    tape         text,
    trade_ts     timestamptz NOT NULL,
    received_at  timestamptz,
    status       text        NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'corrected', 'canceled')),
    updated_at   timestamptz,
    PRIMARY KEY (symbol, trade_date, exchange, trade_id)
);

-- Range scans by symbol and time (the PK leads with symbol but not with trade_ts).
CREATE INDEX IF NOT EXISTS stock_trades_realtime_symbol_ts
    ON market_data_oltp.stock_trades_realtime (symbol, trade_ts);

CREATE TABLE IF NOT EXISTS market_data_oltp.stock_bars_staging (
    symbol       text        NOT NULL,
    timeframe    text        NOT NULL CHECK (timeframe IN ('1Min', '1Day')),
    bar_ts       timestamptz NOT NULL,
    open         numeric     NOT NULL,
    high         numeric     NOT NULL,
    low          numeric     NOT NULL,
    close        numeric     NOT NULL,
    volume       bigint      NOT NULL,
    trade_count  bigint,
    vwap         numeric,
    source       text        NOT NULL CHECK (source IN ('stream', 'updated', 'backfill')),
    PRIMARY KEY (symbol, timeframe, bar_ts)
);
-- The primary key (symbol, timeframe, bar_ts) serves /bars/{symbol}, /range and /latest (DISTINCT ON).
