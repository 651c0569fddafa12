-- Neovim (0.7 and later) as an author uses it with mkdocs-recipes lsp: open a recipe page,
-- wait for the chart, type a typo, read back the diagnostic, a completion list and a
-- hover. Driven by tests/front_ends/test_neovim.py; writes what it saw as JSON to
-- $RECIPES_OUT. Also used by scripts/editor_screenshot.py (RECIPES_STAY=1 keeps the
-- editor open, with the completion menu shown).

local out = os.getenv("RECIPES_OUT")
local page = os.getenv("RECIPES_PAGE")
local command = vim.fn.json_decode(os.getenv("RECIPES_LSP_CMD"))
local seen = { steps = {} }

local function step(name)
  table.insert(seen.steps, name)
end

local function finish()
  if out then
    local file = io.open(out, "w")
    file:write(vim.fn.json_encode(seen))
    file:close()
  end
  if os.getenv("RECIPES_STAY") ~= "1" then
    vim.cmd("qa!")
  end
end

local ok, problem = pcall(function()
  vim.cmd("edit " .. vim.fn.fnameescape(page))
  local buffer = vim.api.nvim_get_current_buf()
  local client = vim.lsp.start_client({
    name = "mkdocs-recipes",
    cmd = command,
    root_dir = vim.fn.fnamemodify(page, ":h"),
  })
  vim.lsp.buf_attach_client(buffer, client)
  step("attached")

  local function line_of(text)
    for number, line in ipairs(vim.api.nvim_buf_get_lines(buffer, 0, -1, false)) do
      if line == text then
        return number
      end
    end
    error("no line " .. text)
  end

  local function request(method, line, character)
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(buffer) },
      position = { line = line, character = character },
    }
    local answers = vim.lsp.buf_request_sync(buffer, method, params, 10000) or {}
    for _, answer in pairs(answers) do
      if answer.result then
        return answer.result
      end
    end
    return nil
  end

  -- The chart is fetched in the background: hover answers once it is there.
  local ingress = line_of("    ingress:")
  local hover
  vim.wait(30000, function()
    hover = request("textDocument/hover", ingress - 1, 6)
    return hover ~= nil
  end, 200)
  seen.hover = hover and hover.contents.value or vim.NIL
  step("hover")

  -- Type a typo, as an author would: change the word under the cursor.
  vim.api.nvim_win_set_cursor(0, { line_of("    replicaCount: 2"), 4 })
  vim.cmd("normal! ciwreplicaCont")
  vim.cmd("stopinsert")
  vim.wait(20000, function()
    return #vim.diagnostic.get(buffer) > 0
  end, 50)
  seen.diagnostics = {}
  for _, found in ipairs(vim.diagnostic.get(buffer)) do
    local code = found.code
    if code == nil and found.user_data and found.user_data.lsp then
      code = found.user_data.lsp.code
    end
    table.insert(seen.diagnostics, {
      lnum = found.lnum,
      col = found.col,
      end_col = found.end_col,
      severity = found.severity,
      message = found.message,
      code = code,
    })
  end
  step("diagnostics")

  -- Completion under `ingress:`, on a new line where a key is being typed.
  local enabled = line_of("      enabled: true")
  vim.api.nvim_buf_set_lines(buffer, enabled, enabled, false, { "      cl" })
  vim.wait(300)
  local completion = request("textDocument/completion", enabled, 8)
  local items = completion and (completion.items or completion) or {}
  seen.completion = {}
  for _, item in ipairs(items) do
    table.insert(seen.completion, item.label)
  end
  step("completion")

  if os.getenv("RECIPES_STAY") == "1" then
    -- For the screenshot: the diagnostic shown beside its line, and the completion menu
    -- of every key under `ingress:` on an empty line.
    vim.diagnostic.config({ virtual_text = true, signs = true, underline = true, update_in_insert = true })
    vim.api.nvim_buf_set_lines(buffer, enabled, enabled + 1, false, { "      " })
    vim.api.nvim_win_set_cursor(0, { enabled + 1, 6 })
    vim.cmd("normal! zz")
    vim.bo[buffer].omnifunc = "v:lua.vim.lsp.omnifunc"
    vim.o.completeopt = "menuone,noinsert,preview"
    vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes("A<C-x><C-o>", true, false, true), "n", false)
  end
end)

if not ok then
  seen.error = tostring(problem)
end
finish()
