package dev.onceonly.journal;

/** The contract, on the in-memory journal. */
class InMemoryJournalContractTest extends OperationJournalContract {

  @Override
  OperationJournal openJournal() {
    return OperationJournal.inMemory();
  }
}
