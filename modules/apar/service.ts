import type { AparDeps } from './service/context';
import { addContact, createParty, getParty, listParties, listPartySummaries } from './service/parties';
import { createDocument, getDocument, listDocuments } from './service/documents';
import { allocatePayment, applyCredit, getPayment, listPayments, recordPayment } from './service/payments';
import { writeOff } from './service/write-off';
import { aging, agingFold, getSettings, saveSettings, statement } from './service/reports';

export type { AparDeps, Caller, Imposed, Listed } from './service/context';

type Bound<F> = F extends (deps: AparDeps, ...args: infer A) => infer R ? (...args: A) => R : never;
const bind =
  <A extends unknown[], R>(deps: AparDeps, fn: (deps: AparDeps, ...args: A) => R) =>
  (...args: A): R =>
    fn(deps, ...args);

/** The AP/AR use cases bound to their dependencies; every method takes the caller first. */
export function createAparService(deps: AparDeps) {
  return {
    createParty: bind(deps, createParty) as Bound<typeof createParty>,
    getParty: bind(deps, getParty) as Bound<typeof getParty>,
    listParties: bind(deps, listParties) as Bound<typeof listParties>,
    listPartySummaries: bind(deps, listPartySummaries) as Bound<typeof listPartySummaries>,
    addContact: bind(deps, addContact) as Bound<typeof addContact>,
    createDocument: bind(deps, createDocument) as Bound<typeof createDocument>,
    getDocument: bind(deps, getDocument) as Bound<typeof getDocument>,
    listDocuments: bind(deps, listDocuments) as Bound<typeof listDocuments>,
    recordPayment: bind(deps, recordPayment) as Bound<typeof recordPayment>,
    allocatePayment: bind(deps, allocatePayment) as Bound<typeof allocatePayment>,
    applyCredit: bind(deps, applyCredit) as Bound<typeof applyCredit>,
    getPayment: bind(deps, getPayment) as Bound<typeof getPayment>,
    listPayments: bind(deps, listPayments) as Bound<typeof listPayments>,
    writeOff: bind(deps, writeOff) as Bound<typeof writeOff>,
    aging: bind(deps, aging) as Bound<typeof aging>,
    agingFold: bind(deps, agingFold) as Bound<typeof agingFold>,
    statement: bind(deps, statement) as Bound<typeof statement>,
    getSettings: bind(deps, getSettings) as Bound<typeof getSettings>,
    saveSettings: bind(deps, saveSettings) as Bound<typeof saveSettings>,
  };
}

export type AparService = ReturnType<typeof createAparService>;
