"""The organisation's own plans (issue 16, part 4): the association's strategic plan reviewed in assembly, the
capacity-strengthening plan proposed from the weak items of its assessment and adopted by its board, the
register of trainings held and the register of other funds applied for and obtained, which feed ASOCAM's
economic, social and political indicators."""
