// The stand-in portal's own single-page app (served as /app.js under the portal's host, allowed by the CSP's
// script-src 'self'). Like the real admin centers it re-renders the whole <body> on every route change, navigates
// with history.pushState (no reloads), builds a heavy DOM (a data grid of thousands of nodes) and keeps its own fixed
// header, a fixed "Help & support" button and high z-index overlays. DOM APIs only: the page enforces Trusted Types.
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('portal-config').textContent);
  var ROWS = config.rows;
  window.__portal = { navigations: 0, renders: 0, messages: [] };

  // Real portals listen to window messages (for their own frames); record them so tests can see what arrived.
  window.addEventListener('message', function (e) {
    window.__portal.messages.push(typeof e.data === 'object' ? JSON.stringify(e.data) : String(e.data));
  });

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    for (var k in attrs || {}) {
      if (k === 'text') node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    }
    (children || []).forEach(function (c) {
      if (c) node.appendChild(c);
    });
    return node;
  }

  function routeFor(path) {
    for (var i = 0; i < config.routes.length; i++) if (config.routes[i].path === path) return config.routes[i];
    return config.routes[0];
  }

  function cell(route, r, c) {
    return route.columns[c] + ' ' + (r + 1) + (c === 0 ? ' (' + route.label + ')' : '');
  }

  function grid(route) {
    var head = el(
      'tr',
      {},
      route.columns.map(function (name) {
        return el('th', { scope: 'col', text: name });
      }),
    );
    var rows = [];
    for (var r = 0; r < ROWS; r++) {
      var cells = [el('td', {}, [el('input', { type: 'checkbox', 'aria-label': 'Select row ' + (r + 1) })])];
      for (var c = 0; c < route.columns.length; c++)
        cells.push(el('td', {}, [el('span', { class: 'cell', text: cell(route, r, c) })]));
      rows.push(el('tr', { class: 'grid-row' }, cells));
    }
    return el('table', { class: 'grid', id: 'portal-grid' }, [el('thead', {}, [head]), el('tbody', {}, rows)]);
  }

  function nav() {
    return el('nav', { id: 'portal-nav', 'aria-label': 'Navigation' }, [
      el(
        'ul',
        {},
        config.routes.map(function (route) {
          var a = el('a', { href: route.path, 'data-route': route.path, text: route.label });
          return el('li', {}, [a]);
        }),
      ),
    ]);
  }

  function header() {
    return el('header', { id: 'portal-header', class: 'shell-header' }, [
      el('span', { class: 'waffle', 'aria-hidden': 'true', text: '⋮⋮⋮' }),
      el('h1', { text: config.title }),
      el('input', { id: 'portal-search', type: 'search', placeholder: 'Search', 'aria-label': 'Search' }),
      el('button', { id: 'portal-notifications', type: 'button', text: 'Notifications' }),
      el('button', { id: 'portal-account', type: 'button', text: 'Account' }),
    ]);
  }

  function overlays() {
    var list = [
      // A toast layer at the top of the stacking order, as the portals' notification panes use.
      el('div', { id: 'portal-toast', class: 'toast', role: 'status', text: 'Welcome to the ' + config.title }),
      // A modal-style backdrop that is usually closed.
      el('div', { id: 'portal-modal', class: 'modal', hidden: '' }, [el('div', { class: 'dialog', text: 'Dialog' })]),
    ];
    if (config.helpButton)
      list.push(el('button', { id: 'portal-help', class: 'help', type: 'button', text: 'Help & support' }));
    return list;
  }

  function render() {
    var route = routeFor(location.pathname);
    var main = el('main', { id: 'portal-main', 'data-route': route.path }, [
      el('h2', { id: 'portal-route-title', text: route.label }),
      el('div', { class: 'command-bar' }, [
        el('button', { id: 'portal-add', type: 'button', text: 'Add' }),
        el('button', { id: 'portal-refresh', type: 'button', text: 'Refresh' }),
        el('button', { id: 'portal-open-modal', type: 'button', text: 'Open dialog' }),
      ]),
      grid(route),
    ]);
    document.title = route.label + ' - ' + config.title;
    document.body.replaceChildren.apply(document.body, [header(), nav(), main].concat(overlays()));
    window.__portal.renders++;
  }

  document.addEventListener('click', function (e) {
    var target = e.target;
    var link = target && target.closest ? target.closest('a[data-route]') : null;
    if (link) {
      e.preventDefault();
      if (link.getAttribute('data-route') !== location.pathname) {
        history.pushState({}, '', link.getAttribute('data-route'));
        window.__portal.navigations++;
        render();
      }
      return;
    }
    if (target && target.id === 'portal-open-modal') document.getElementById('portal-modal').hidden = false;
    if (target && target.closest && target.closest('#portal-modal'))
      document.getElementById('portal-modal').hidden = true;
  });
  window.addEventListener('popstate', render);
  render();
})();
