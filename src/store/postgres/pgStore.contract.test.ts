import { OpenedStore, storeContract } from '../../test-support/storeContract';
import { parityContract } from '../../test-support/parityContract';
import { billingContract } from '../../test-support/billingContract';
import { listingsContract } from '../../test-support/listingsContract';
import { sameContractContract } from '../../test-support/sameContractContract';
import { removalContract } from '../../test-support/removalContract';
import { sumsContract } from '../../test-support/sumsContract';
import { allowanceContract } from '../../test-support/allowanceContract';
import { createTestDatabase, describePostgres } from '../../test-support/postgres';
import { duplicateContract } from '../../test-support/duplicateContract';
import { PgStore } from './pgStore';

/** The shared store contract and the parity contract on a real PostgreSQL. */
describePostgres('PostgreSQL', () => {
  const openEmptyStore = async (): Promise<OpenedStore> => {
    const database = await createTestDatabase('contract');
    const store = await PgStore.open(database.url, 'create');
    return {
      store,
      async cleanUp() {
        await store.close();
        await database.drop();
      },
    };
  };

  storeContract('PostgreSQL', openEmptyStore);

  duplicateContract('PostgreSQL', openEmptyStore, {
    async billAgain(opened, call, fileName, line) {
      // Straight into calls, past record_ids: what a store written before migration 4 may hold.
      const store = opened.store as PgStore;
      await store.partitions.ensure('calls', [call.month]);
      await store.pool.query(
        `INSERT INTO calls (contract_id, month, record_id, file_id, line, number, direction, peer, peer_is_number, start_ms, duration_ms,
                            peer_class, tariff_id, numbering_plan_id, rate_id, rate_prefix, units, charge_scaled, chakuwari_eligible, late,
                            plan_id, charge_remainder_parts)
         SELECT $1, $2, $3, file_id, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, false, $19, $20
           FROM files WHERE name = $21`,
        [
          call.contractId,
          call.month,
          call.recordId,
          line,
          call.number,
          call.direction,
          call.peer,
          call.peerIsNumber,
          call.startMs,
          call.durationMs,
          call.peerClass,
          call.tariffId,
          call.numberingPlanId,
          call.rateId,
          call.ratePrefix,
          call.units,
          call.chargeScaled,
          call.chakuwariEligible,
          call.planId,
          call.chargeRemainderParts,
          fileName,
        ],
      );
    },
  });
  parityContract(
    'PostgreSQL',
    openEmptyStore,
    /^PostgreSQL amcheck \(bt_index_check\) on \d+ indexes: ok \(the b-trees of the store are sound, and every stored call has its record_ids row\)$/,
  );
  sumsContract('PostgreSQL', openEmptyStore);
  allowanceContract('PostgreSQL', openEmptyStore);
  billingContract('PostgreSQL', openEmptyStore);
  listingsContract('PostgreSQL', openEmptyStore);
  sameContractContract('PostgreSQL', openEmptyStore);
  removalContract('PostgreSQL', openEmptyStore);
});
