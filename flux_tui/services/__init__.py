"""Services: the work behind the TUI and ``flux-tui run``, with no user interface in them.

A service does one job (providers and switching, the agent and its turns, the session store) and is
called the same way by the Textual app and by headless runs, so each job is written once. Results come
back as return values and exceptions (``SwitchRefused``, ``NothingToDo``, ``SessionError``) for the
caller to show as it shows things; what happens during a turn reaches it as ``AgentEvent`` objects
through the agent's sinks. Nothing here imports Textual or ``flux_tui.ui``.

- ``lazy_provider``: ``LazyProvider``, a provider built (SDK imported) on first use;
- ``providers``: ``ProviderService``: menus, resolving, building, switching provider and model;
- ``turns``: ``build_agent`` (the agent with retries, failover and the budget) and ``TurnRunner``
  (``/retry``, ``/continue``, ``/budget``, prompt cleaning);
- ``sessions`` and ``recording``: ``SessionService`` (resume, fork, delete, rename, export, import)
  and the recorder of the conversation (``RecorderSlot``, ``new_recorder``).
"""
