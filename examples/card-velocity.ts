/**
 * Card velocity: per card, spend and transaction count over the last hour, updated every minute
 * (a hopping window). A fraud rule downstream reads the cards above a threshold.
 */
import { count, max, pipeline, source, sum } from "streamt-sdk";
import { CardTransaction } from "./shared/schemas.js";

export const cardTransactions = source("card_transactions", { topic: "cards.transactions.v1", schema: CardTransaction })
  .eventTime("tx_time")
  .watermark("2s")
  .idleTimeout("30s");

export const velocity = cardTransactions
  .hop("1h", "1m")
  .groupBy("card_id")
  .aggregate({ tx_count: count(), spend: sum("amount"), largest: max("amount") })
  .filter((v) => v.tx_count.ge(10).or(v.spend.gt(5000)));

export default pipeline("card-velocity", { checkpointInterval: "30s", stateBackend: "rocksdb" })
  .write(velocity.toKafka("cards.velocity-alerts.v1"));
