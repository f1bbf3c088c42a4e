// Autosave and "unsaved changes" for the assessment form. Without JavaScript the form works
// the same with its buttons; with it, answers are saved a few seconds after each change.
(function () {
  var form = document.querySelector('form[data-autosave]')
  if (!form || !window.fetch || !window.FormData) return
  var status = form.querySelector('[data-autosave-status]')
  var version = form.querySelector('input[name="version"]')
  var dirty = false
  var timer = null
  var submitting = false
  var inflight = null

  function say (text) { if (status) status.textContent = text }

  function save () {
    timer = null
    if (!dirty) return
    var data = new FormData(form)
    dirty = false
    inflight = fetch(form.action, { method: 'POST', body: data, headers: { 'X-Autosave': '1' }, credentials: 'same-origin' })
      .then(function (response) {
        return response.json().then(function (body) { return { code: response.status, body: body } })
      })
      .then(function (result) {
        if (result.code === 200 && result.body.saved) {
          version.value = result.body.version
          say('Saved automatically at ' + new Date().toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' }))
        } else {
          dirty = true
          say(result.code === 409
            ? 'Not saved: someone else has saved this page. Select "Save and come back later" to see their answers beside yours.'
            : 'Not saved automatically: select a save button to see what needs correcting.')
        }
      })
      .catch(function () { dirty = true; say('Not saved automatically: you may be offline or signed out. Your answers are still on this page.') })
      .then(function () { inflight = null })
  }

  form.addEventListener('input', function () {
    dirty = true
    say('You have unsaved changes')
    if (timer) clearTimeout(timer)
    timer = setTimeout(save, 3000)
  })
  // A button pressed while an automatic save is on its way waits for it, so the page is sent
  // with the version that save made: otherwise the person's own autosave would make their
  // save look stale, and it would be refused as if someone else had saved.
  form.addEventListener('submit', function (event) {
    if (timer) { clearTimeout(timer); timer = null }
    if (inflight) {
      event.preventDefault()
      var button = event.submitter
      inflight.then(function () { form.requestSubmit(button) })
      return
    }
    submitting = true
  })
  window.addEventListener('beforeunload', function (event) {
    if (dirty && !submitting) { event.preventDefault(); event.returnValue = '' }
  })
})()
