// Provider-shaped event payloads for the seed connectors, sent with the generic fake's `deliver`:
// Oneflow's webhook notification, Salesforce's SOAP outbound message, Kustomer's outbound
// webhook envelope. The fake signs each as the connector's `events.verify` expects.
import type { DeliveryAnswer } from '../../src/kit/fake-events.js';
import type { FakeProvider } from './seed-fakes.js';

let seq = 0;

/**
 * Oneflow's notification: the contract id, a callback id (the same for every retry), the events
 * (ids from 9000); the fake puts `signature` = sha1(callback_id + sign key) into it.
 */
export function oneflowNotification(contractId: number, types: string[], callbackId?: string) {
  return {
    contract: { id: contractId },
    callback_id: callbackId ?? `cb-${Date.now()}-${++seq}`,
    events: types.map((type, i) => ({ id: 9000 + i, type, created_time: new Date().toISOString() })),
  };
}

/** Sends a Oneflow notification to a webhook subscription; the answer carries its callback id. */
export async function notifyOneflow(
  fake: FakeProvider,
  subscription: string,
  contractId: number,
  types: string[],
  opts: { callbackId?: string; forge?: boolean } = {},
): Promise<DeliveryAnswer & { callbackId: string }> {
  const body = oneflowNotification(contractId, types, opts.callbackId);
  const answer = await fake.deliver(subscription, { body, ...(opts.forge ? { forge: true } : {}) });
  return { ...answer, callbackId: body.callback_id };
}

export interface SalesforceNotification {
  id: string;
  type: string;
  fields: Record<string, string>;
}

const xml = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The org id the Salesforce fake's tokens name (the identity URL's `/id/<org>/` segment). */
export function salesforceOrgId(fake: FakeProvider): string {
  const id = String(fake.fixture.token.fields.id ?? '');
  const org = /\/id\/([A-Za-z0-9]{15,18})\//.exec(id)?.[1];
  if (!org) throw new Error(`the Salesforce fixture's token id ${id} names no org`);
  return org;
}

/** A SOAP outbound message as Salesforce sends it: the org, the action, up to 100 notifications. */
export function salesforceOutboundMessage(
  fake: FakeProvider,
  notifications: SalesforceNotification[],
  opts: { orgId?: string } = {},
): string {
  const instance = String(fake.fixture.token.fields.instance_url);
  const items = notifications
    .map(
      (n) =>
        `<Notification><Id>${n.id}</Id><sObject xsi:type="sf:${n.type}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">${Object.entries(
          n.fields,
        )
          .map(([k, v]) => `<sf:${k}>${xml(v)}</sf:${k}>`)
          .join('')}</sObject></Notification>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>${opts.orgId ?? salesforceOrgId(fake)}</OrganizationId><ActionId>04k5w000000TSwMAAW</ActionId><SessionId xsi:nil="true"/><EnterpriseUrl>${instance}/services/Soap/c/60.0</EnterpriseUrl><PartnerUrl>${instance}/services/Soap/u/60.0</PartnerUrl>${items}</notifications></soapenv:Body></soapenv:Envelope>`;
}

/** Sends a SOAP outbound message to an outbound-message subscription (its endpoint URL). */
export const sendOutboundMessage = (
  fake: FakeProvider,
  subscription: string,
  notifications: SalesforceNotification[],
  opts: { orgId?: string } = {},
) =>
  fake.deliver(subscription, {
    body: salesforceOutboundMessage(fake, notifications, opts),
    headers: { soapaction: '""' },
  });

/**
 * Fires a Kustomer event as its outbound webhooks do: the envelope {id, name, org, data} to every
 * subscription that asked for the event, with X-Kustomer-Webhook-Event.
 */
export async function fireKustomerEvent(fake: FakeProvider, name: string, resource: unknown) {
  const id = `evt_${Date.now()}_${++seq}`;
  const deliveries: Array<{ hook: string; status: number }> = [];
  for (const sub of fake.subscriptions.values()) {
    if (!Array.isArray(sub.events) || !sub.events.includes(name)) continue;
    const answer = await fake.deliver(sub.id, {
      body: { id, name, org: 'org_1', partition: 'org_1', data: resource, changes: null },
      headers: { 'x-kustomer-webhook-event': name },
    });
    deliveries.push({ hook: sub.id, status: answer.status });
  }
  return { id, deliveries };
}
