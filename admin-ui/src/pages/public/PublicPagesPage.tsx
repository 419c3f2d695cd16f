import type { PublicPageEntry } from '../../../../schema/public-page.js';
import { api } from '../../api.js';
import { TableBox } from '../../components/TableBox.js';
import { Await, ErrorNotice, PageTitle, useLoad, useSubmit } from '../../components/ui.js';
import { useWords } from '../../i18n.js';
import { publicPageWords } from './i18n.js';
import './public-pages.css';

/** /admin/public-pages: each province's public page, its addresses and embed code, and its on/off switch. */
export function PublicPagesPage() {
  const w = useWords();
  const x = publicPageWords(w.lang);
  const pages = useLoad(() => api.publicPages.list(), []);
  const toggle = useSubmit((page: PublicPageEntry) => api.publicPages.set(page.provinceId, { enabled: !page.enabled }), pages.reload);
  return (
    <section>
      <PageTitle title={x.t('title')}>{x.t('title')}</PageTitle>
      <p class="muted">{x.t('intro')}</p>
      {toggle.error && <ErrorNotice error={toggle.error} />}
      <Await loaded={pages}>
        {(data) =>
          data.pages.length === 0 ? (
            <p class="muted">{x.t('none')}</p>
          ) : (
            <>
              <TableBox label={x.t('title')} cards>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{x.t('province')}</th>
                      <th scope="col">{x.t('state')}</th>
                      <th scope="col">{x.t('links')}</th>
                      <th scope="col">{x.t('embedCode')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.pages.map((p) => (
                      <tr key={p.provinceId}>
                        <th scope="row">{p.name}</th>
                        <td>
                          <span class={p.enabled ? 'badge ok' : 'badge'}>{p.enabled ? x.t('on') : x.t('off')}</span>{' '}
                          <button type="button" disabled={toggle.busy} onClick={() => toggle.submit(p)}>
                            {p.enabled ? x.t('turnOff', { name: p.name }) : x.t('turnOn', { name: p.name })}
                          </button>
                        </td>
                        <td>
                          <a href={p.pageUrl} target="_blank" rel="noopener">
                            {x.t('page')}
                          </a>{' '}
                          · <a href={p.embedUrl} target="_blank" rel="noopener">{x.t('embed')}</a> · <a href={p.csvUrl}>CSV</a> · <a href={p.jsonUrl}>JSON</a>
                        </td>
                        <td>
                          <code class="small embed-code">{`<iframe src="${p.embedUrl}" title="${x.t('embedTitle', { name: p.name })}" width="100%" height="720" loading="lazy"></iframe>`}</code>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableBox>
              <p>
                <a href={data.signingKeyUrl}>{x.t('key')}</a> <span class="muted small">({x.t('keyId', { id: data.keyId })})</span>
              </p>
            </>
          )
        }
      </Await>
    </section>
  );
}
