// The contact sheet: renders the cards from #review-data, filters them, and (served by
// `videogen review`) posts verdicts. Plain browser JavaScript, no build step. Text is only ever
// set through textContent, so a prompt can never become markup.
(function () {
  'use strict';

  var data = JSON.parse(document.getElementById('review-data').textContent);
  var token = new URLSearchParams(location.search).get('token');
  var canJudge = data.mode === 'server';

  var STATE_LABELS = {
    completed: 'completed',
    outdated: 'manifest changed',
    missing: 'output missing',
    modified: 'changed on disk',
    submitted: 'submitted',
    failed: 'failed',
    new: 'not generated',
    orphan: 'orphan',
  };
  var NO_VIDEO = {
    new: 'not generated yet',
    submitted: 'still generating',
    failed: 'the last attempt failed',
    missing: 'the output is missing on disk',
    modified: 'the output changed on disk since apply: not shown',
  };

  var sheet = document.getElementById('sheet');
  var filters = {
    state: document.getElementById('filter-state'),
    tag: document.getElementById('filter-tag'),
    verdict: document.getElementById('filter-verdict'),
  };
  var statusLine = document.getElementById('status');
  var statusTimer = 0;
  var selected = null;

  // Only cards on screen load and play their videos: a campaign of hundreds stays light.
  var onScreen = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      var video = entry.target;
      if (entry.isIntersecting) {
        if (!video.getAttribute('src')) video.src = video.dataset.src;
        video.play().catch(function () {});
      } else {
        video.pause();
      }
    });
  }, { rootMargin: '200px' });

  document.getElementById('manifest').textContent = data.manifest;
  var cards = data.cards.map(function (card) {
    return { data: card, root: renderCard(card) };
  });
  cards.forEach(function (card) {
    sheet.appendChild(card.root);
  });
  fillFilters();
  renderKeys();
  updateCounts();
  applyFilters();

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function stateKey(card) {
    if (card.state !== 'completed') return card.state;
    if (card.output === 'missing' || card.output === 'modified') return card.output;
    return card.current ? 'completed' : 'outdated';
  }

  function renderCard(card) {
    var root = el('article', 'card');
    root.tabIndex = -1;
    root.dataset.id = card.id;
    root.dataset.state = stateKey(card);
    root.addEventListener('click', function () {
      select(find(card.id), false);
    });

    var head = el('div', 'card-head');
    head.appendChild(el('span', 'shot-id', card.id)).title = card.id;
    head.appendChild(el('span', 'badge state-' + stateKey(card), STATE_LABELS[stateKey(card)] || card.state));
    head.appendChild(el('span', 'badge verdict'));
    root.appendChild(head);

    var takes = el('div', 'takes');
    if (card.previous) {
      root.classList.add('with-previous');
      takes.appendChild(take(card, card.previous.video, 'previous · ' + card.previous.verdict.verdict + ' ' + when(card.previous.verdict.at)));
      takes.appendChild(take(card, card.video, 'current'));
    } else {
      takes.appendChild(take(card, card.video));
    }
    root.appendChild(takes);

    var prompt = el('p', 'prompt', card.spec.prompt);
    prompt.title = card.spec.prompt;
    root.appendChild(prompt);
    root.appendChild(meta(card));
    // Everything that made this video (options, seed, reference image hash, take, …).
    var spec = el('details', 'spec');
    spec.appendChild(el('summary', '', 'spec'));
    spec.appendChild(el('pre', '', JSON.stringify(card.spec, null, 2)));
    root.appendChild(spec);
    if (card.error) root.appendChild(el('p', 'error', card.error.code + ': ' + card.error.message));
    if (card.tags.length > 0) {
      var tags = el('ul', 'tags');
      card.tags.forEach(function (tag) {
        tags.appendChild(el('li', '', tag));
      });
      root.appendChild(tags);
    }
    if (canJudge && card.sha256) {
      var actions = el('div', 'actions');
      [['approved', 'Approve (a)'], ['rejected', 'Reject (r)']].forEach(function (pair) {
        var button = el('button', '', pair[1]);
        button.type = 'button';
        button.dataset.verdict = pair[0];
        button.addEventListener('click', function (event) {
          event.stopPropagation();
          var current = find(card.id);
          select(current, false);
          // A pressed button un-presses: clicking Approve on an approved take clears it.
          judge(current, current.data.verdict && current.data.verdict.verdict === pair[0] ? null : pair[0]);
        });
        actions.appendChild(button);
      });
      root.appendChild(actions);
    }
    showVerdict(root, card);
    return root;
  }

  function take(card, url, caption) {
    var figure = el('figure', 'take');
    if (caption) figure.appendChild(el('figcaption', '', caption));
    var frame = el('div', 'frame');
    var ratio = aspectRatio(card);
    if (ratio) frame.style.aspectRatio = ratio;
    if (url) {
      // Shown until the first frame arrives: a video further down loads when scrolled to.
      var waiting = frame.appendChild(el('span', 'no-video', 'loads when scrolled into view'));
      var video = el('video');
      video.addEventListener('loadeddata', function () {
        waiting.remove();
      });
      video.addEventListener('error', function () {
        waiting.textContent = 'this video cannot be played here';
      });
      video.muted = true;
      video.loop = true;
      video.playsInline = true;
      video.preload = 'none';
      video.dataset.src = url;
      frame.appendChild(video);
      onScreen.observe(video);
    } else {
      frame.appendChild(el('span', 'no-video', NO_VIDEO[stateKey(card)] || 'no video to show'));
    }
    figure.appendChild(frame);
    return figure;
  }

  function aspectRatio(card) {
    var match = /^(\d+)[:x](\d+)$/.exec(String(card.spec.size || card.spec.aspect_ratio || ''));
    return match ? match[1] + ' / ' + match[2] : '';
  }

  function meta(card) {
    var spec = card.spec;
    var parts = [card.provider, spec.provider, spec.model, spec.aspect_ratio || spec.size, spec.duration ? spec.duration + ' s' : '']
      .filter(Boolean)
      .join(' · ');
    var line = el('p', 'meta', parts + ' · ');
    var cost = costText(card.cost);
    line.appendChild(el('span', cost ? 'cost' : 'cost cost-unknown', cost || 'cost unknown'));
    return line;
  }

  function costText(cost) {
    if (!cost) return '';
    var parts = [];
    if (typeof cost.reported === 'number') parts.push(money(cost.reported, cost.currency) + ' reported');
    if (typeof cost.estimated === 'number') parts.push(money(cost.estimated, cost.currency) + ' estimated');
    return parts.join(' · ');
  }

  function money(amount, currency) {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency, minimumFractionDigits: 2, maximumFractionDigits: 4 }).format(amount);
  }

  function when(iso) {
    return iso.replace('T', ' ').replace(/:\d\dZ$/, ' UTC');
  }

  function showVerdict(root, card) {
    var verdict = card.verdict ? card.verdict.verdict : '';
    root.dataset.verdict = verdict;
    var badge = root.querySelector('.badge.verdict');
    badge.className = 'badge verdict' + (verdict ? ' verdict-' + verdict : '');
    badge.textContent = verdict;
    badge.hidden = !verdict;
    if (verdict) badge.title = verdict + ' ' + when(card.verdict.at);
    root.querySelectorAll('.actions button').forEach(function (button) {
      button.setAttribute('aria-pressed', String(button.dataset.verdict === verdict));
    });
  }

  function find(id) {
    for (var i = 0; i < cards.length; i++) if (cards[i].data.id === id) return cards[i];
    return null;
  }

  function fillFilters() {
    var states = {};
    var tags = {};
    cards.forEach(function (card) {
      var key = stateKey(card.data);
      states[key] = (states[key] || 0) + 1;
      card.data.tags.forEach(function (tag) {
        tags[tag] = (tags[tag] || 0) + 1;
      });
    });
    Object.keys(STATE_LABELS).forEach(function (key) {
      if (states[key]) filters.state.appendChild(option(key, STATE_LABELS[key] + ' (' + states[key] + ')'));
    });
    Object.keys(tags).sort().forEach(function (tag) {
      filters.tag.appendChild(option(tag, tag + ' (' + tags[tag] + ')'));
    });
    Object.keys(filters).forEach(function (name) {
      filters[name].addEventListener('change', applyFilters);
    });
  }

  function option(value, label) {
    var node = el('option', '', label);
    node.value = value;
    return node;
  }

  function verdictKey(card) {
    if (card.verdict) return card.verdict.verdict;
    return card.sha256 ? 'unreviewed' : '';
  }

  function applyFilters() {
    var shown = 0;
    cards.forEach(function (card) {
      var visible =
        (!filters.state.value || stateKey(card.data) === filters.state.value) &&
        (!filters.tag.value || card.data.tags.indexOf(filters.tag.value) !== -1) &&
        (!filters.verdict.value || verdictKey(card.data) === filters.verdict.value);
      card.root.hidden = !visible;
      if (visible) shown += 1;
    });
    document.getElementById('empty').hidden = shown > 0 || cards.length === 0;
    if (selected && selected.root.hidden) select(null, false);
  }

  function updateCounts() {
    var count = { approved: 0, rejected: 0, unreviewed: 0 };
    cards.forEach(function (card) {
      var key = verdictKey(card.data);
      if (key) count[key] += 1;
    });
    var shots = cards.length === 1 ? '1 shot' : cards.length + ' shots';
    document.getElementById('counts').textContent =
      shots + ' · ' + count.approved + ' approved · ' + count.rejected + ' rejected · ' + count.unreviewed + ' to review' +
      (canJudge ? ' · verdicts go to ' + data.reviewFile : ' · read-only report');
  }

  function renderKeys() {
    var keys = document.getElementById('keys');
    var list = [['j', 'k', 'next / previous'], ['space', 'play / pause']];
    if (canJudge) list.push(['a', 'approve'], ['r', 'reject'], ['u', 'clear verdict']);
    list.forEach(function (entry, index) {
      if (index > 0) keys.appendChild(document.createTextNode(' · '));
      entry.slice(0, -1).forEach(function (key, i) {
        if (i > 0) keys.appendChild(document.createTextNode('/'));
        keys.appendChild(el('kbd', '', key));
      });
      keys.appendChild(document.createTextNode(' ' + entry[entry.length - 1]));
    });
  }

  function select(card, scroll) {
    if (selected) selected.root.classList.remove('selected');
    selected = card;
    if (!card) return;
    card.root.classList.add('selected');
    if (scroll) card.root.scrollIntoView({ block: 'nearest' });
  }

  function move(step) {
    var list = cards.filter(function (card) {
      return !card.root.hidden;
    });
    if (list.length === 0) return;
    var index = list.indexOf(selected);
    index = index === -1 ? (step > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, index + step));
    select(list[index], true);
  }

  function judge(card, verdict) {
    if (!card) return say('select a shot first: j / k', true);
    if (!canJudge) return say('a read-only report: run `videogen review` to judge', true);
    if (!card.data.sha256) return say(card.data.id + ' has no output to judge', true);
    var buttons = card.root.querySelectorAll('.actions button');
    buttons.forEach(function (button) {
      button.disabled = true;
    });
    fetch('/api/verdict', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Videogen-Token': token || '' },
      body: JSON.stringify({ shot: card.data.id, sha256: card.data.sha256, verdict: verdict }),
    })
      .then(function (response) {
        if (response.ok) return response.json();
        return response.text().then(function (text) {
          throw new Error(text.trim() || 'HTTP ' + response.status);
        });
      })
      .then(function (result) {
        // A verdict judges bytes: every card showing this output gets it.
        cards.forEach(function (other) {
          if (other.data.sha256 !== result.sha256) return;
          if (result.verdict) other.data.verdict = result.verdict;
          else delete other.data.verdict;
          showVerdict(other.root, other.data);
        });
        updateCounts();
        say(card.data.id + ': ' + (result.verdict ? result.verdict.verdict : 'verdict cleared'));
      })
      .catch(function (error) {
        say('not saved: ' + error.message, true);
      })
      .finally(function () {
        buttons.forEach(function (button) {
          button.disabled = false;
        });
      });
  }

  function say(text, isError) {
    statusLine.textContent = text;
    statusLine.classList.toggle('error', Boolean(isError));
    clearTimeout(statusTimer);
    statusTimer = setTimeout(function () {
      statusLine.textContent = '';
    }, 4000);
  }

  function togglePlay(card) {
    if (!card) return;
    card.root.querySelectorAll('video').forEach(function (video) {
      if (video.paused) video.play().catch(function () {});
      else video.pause();
    });
  }

  document.addEventListener('keydown', function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = event.target && event.target.tagName;
    if (tag === 'SELECT' || tag === 'INPUT' || tag === 'TEXTAREA') return;
    if (event.key === 'j') move(1);
    else if (event.key === 'k') move(-1);
    else if (event.key === 'a') judge(selected, 'approved');
    else if (event.key === 'r') judge(selected, 'rejected');
    else if (event.key === 'u') judge(selected, null);
    else if (event.key === ' ') togglePlay(selected);
    else return;
    event.preventDefault();
  });
})();
