/**
 * Steps the restore specs (06 on SQLite tenants, 08 on PostgreSQL ones) take the same
 * way: open a tenant, answer the justification dialog, approve as the admin, run as
 * technical staff.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, ADMIN, gotoTenants, signIn, signOut } from './fixtures';

export interface TenantRef {
  id: string;
  slug: string;
}

export async function openTenant(page: Page, tenant: TenantRef): Promise<void> {
  await gotoTenants(page);
  await page.getByTestId('tenant-search').fill(tenant.slug);
  await page.locator(`[data-testid="tenant-row"][data-tenant-id="${tenant.id}"]`).click();
  await expect(page.getByTestId('restore-panel')).toBeVisible();
}

export async function signInToTenant(page: Page, email: string, password: string, tenant: TenantRef): Promise<void> {
  await signIn(page, email, password);
  await expect(page.getByTestId('account-menu')).toBeVisible();
  await openTenant(page, tenant);
}

/** Scrolls the console's own scroller to an element (scrollIntoView would also shift the window under the shell). */
export async function reveal(l: Locator): Promise<void> {
  await l.evaluate((el) => {
    const scroller = el.closest('.shell__main');
    if (!scroller) return el.scrollIntoView();
    scroller.scrollTop += el.getBoundingClientRect().top - scroller.getBoundingClientRect().top - 12;
  });
}

export async function justifyIfAsked(page: Page, ticket = 'SUP-6006'): Promise<void> {
  const dialog = page.getByTestId('justification-dialog');
  if (await dialog.isVisible()) {
    await dialog.getByTestId('justification-reason').fill('Customer lost an opportunity; restoring it from the backup');
    await dialog.getByTestId('justification-ticket').fill(ticket);
    await dialog.getByTestId('justification-submit').click();
    await expect(dialog).toBeHidden();
  }
}

export function requestCard(page: Page, requestId: string): Locator {
  return page.locator(`[data-testid="restore-request"][data-request-id="${requestId}"]`);
}

/** From signed out: the admin approves the request (admins approve, technical staff run) and signs out again. */
export async function approveAsAdmin(page: Page, tenant: TenantRef, requestId: string): Promise<void> {
  await signInToTenant(page, ADMIN.email, ADMIN.password, tenant);
  const asAdmin = requestCard(page, requestId);
  await asAdmin.getByTestId('restore-approve').click();
  await page.getByTestId('restore-approve-confirm').click();
  await expect(asAdmin).toHaveAttribute('data-status', 'approved');
  await expect(asAdmin.getByTestId('restore-run')).toHaveCount(0);
  await signOut(page);
}

/**
 * Runs an approved request from its card and waits until it completed. `inspect` sees the
 * run dialog before it is confirmed. Within the grant of an earlier step no question is
 * asked; otherwise the justification is asked for again and answered.
 */
export async function runToCompletion(page: Page, requestId: string, ticket: string, inspect?: (dialog: Locator) => Promise<void>): Promise<Locator> {
  const card = requestCard(page, requestId);
  await card.getByTestId('restore-run').click();
  const runDialog = page.getByTestId('restore-run-dialog');
  if (inspect) await inspect(runDialog);
  await runDialog.getByTestId('restore-run-confirm').click();
  await expect.poll(async () => (await page.getByTestId('justification-dialog').isVisible()) || !(await runDialog.isVisible())).toBe(true);
  await justifyIfAsked(page, ticket);
  await expect(runDialog).toBeHidden();
  await expect(card).toHaveAttribute('data-status', 'completed', { timeout: 90_000 });
  return card;
}
